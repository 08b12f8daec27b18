"""The proposals node's hub and negotiate endpoint against bad input, over a raw WebSocket and plain
HTTP: a bad connection is told why and closed, while the node and its other connections carry on."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator

import pytest
import requests
from websockets.exceptions import ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

RS = "\x1e"
HANDSHAKE = json.dumps({"protocol": "json", "version": 1}) + RS
TIMEOUT = 10.0


def records(frame: str) -> list[dict]:
    assert frame.endswith(RS), frame
    return [json.loads(raw) for raw in frame.split(RS)[:-1]]


@contextlib.contextmanager
def open_hub(url: str) -> Iterator[ClientConnection]:
    """A connection that has done the handshake."""
    with connect(url, open_timeout=TIMEOUT) as ws:
        ws.send(HANDSHAKE)
        assert records(ws.recv(timeout=TIMEOUT)) == [{}]
        yield ws


def records_until_closed(ws: ClientConnection) -> list[dict]:
    """Every record the server sends until it closes the connection; fails if it does not within TIMEOUT."""
    received, deadline = [], time.monotonic() + TIMEOUT
    while True:
        try:
            received += records(ws.recv(timeout=max(deadline - time.monotonic(), 0)))
        except ConnectionClosedOK:
            return received
        except TimeoutError as error:
            raise AssertionError(f"not closed within {TIMEOUT}s; received {received}") from error


def next_invocation(ws: ClientConnection, target: str) -> dict:
    deadline = time.monotonic() + TIMEOUT
    while True:
        for record in records(ws.recv(timeout=max(deadline - time.monotonic(), 0))):
            if record.get("type") == 1 and record.get("target") == target:
                return record


@pytest.fixture(scope="module")
def hub_url(suite) -> str:
    return f"{suite.proposals.url.replace('http', 'ws')}/events/proposal"


@pytest.fixture
def bystander(hub_url):
    """Another connection to the hub, open while a test misbehaves."""
    with open_hub(hub_url) as ws:
        yield ws


def assert_node_carries_on(suite, hub_url: str, bystander: ClientConnection) -> None:
    """A new connection works, its Ping reaches the bystander, and HTTP still answers."""
    with open_hub(hub_url) as ws:
        ws.send(json.dumps({"type": 1, "invocationId": "1", "target": "Ping", "arguments": []}) + RS)
        assert next_invocation(ws, "Ping")["arguments"] == [{"message": "Ping"}]
    assert next_invocation(bystander, "Ping")["arguments"] == [{"message": "Ping"}]
    assert requests.get(f"{suite.proposals.url}/api/", timeout=TIMEOUT).status_code == 200


def test_an_unsupported_protocol_is_refused_in_the_handshake(suite, hub_url, bystander):
    with connect(hub_url, open_timeout=TIMEOUT) as ws:
        ws.send(json.dumps({"protocol": "messagepack", "version": 1}) + RS)
        [answer] = records_until_closed(ws)
    assert "messagepack" in answer["error"] and "type" not in answer
    assert_node_carries_on(suite, hub_url, bystander)


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("{nope" + RS, "Malformed record"),
        (json.dumps({"type": 99}) + RS, "Unknown message type: 99"),
        (json.dumps({"type": 1, "target": "Ping", "arguments": ["x" * 70_000]}) + RS, "too large"),
    ],
    ids=["malformed", "unknown-type", "oversize"],
)
def test_a_bad_record_gets_a_close_message_with_the_error(suite, hub_url, bystander, frame, error):
    with open_hub(hub_url) as ws:
        ws.send(frame)
        [close] = records_until_closed(ws)
    assert close["type"] == 7 and error in close["error"]
    assert_node_carries_on(suite, hub_url, bystander)


def test_an_unknown_hub_refuses_the_websocket(suite):
    with pytest.raises(InvalidStatus) as refused, connect(f"{suite.proposals.url.replace('http', 'ws')}/events/nope"):
        pass
    assert refused.value.response.status_code == 403


def test_negotiate_offers_websockets_with_a_connection_token(suite):
    response = requests.post(f"{suite.proposals.url}/events/proposal/negotiate?negotiateVersion=1", timeout=TIMEOUT)
    assert response.status_code == 200
    body = response.json()
    assert body["negotiateVersion"] == 1
    assert body["connectionId"] and body["connectionToken"] and body["connectionToken"] != body["connectionId"]
    assert {"transport": "WebSockets", "transferFormats": ["Text"]} in body["availableTransports"]


def test_negotiate_with_get_is_405_json(suite):
    response = requests.get(f"{suite.proposals.url}/events/proposal/negotiate?negotiateVersion=1", timeout=TIMEOUT)
    assert response.status_code == 405 and response.headers["Content-Type"] == "application/json"
    assert "POST" in response.json()


def test_negotiate_for_an_unknown_hub_is_404_json(suite):
    response = requests.post(f"{suite.proposals.url}/events/nope/negotiate?negotiateVersion=1", timeout=TIMEOUT)
    assert response.status_code == 404 and response.headers["Content-Type"] == "application/json"
    assert "nope" in response.json()
