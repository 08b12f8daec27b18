"""GatewayClient's command calls: each with an Idempotency-Key, retried once with it when no answer came back."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import uuid

import pytest
import requests
import urllib3
from requests.adapters import BaseAdapter

from distributed_core.api.routes import Reads, Returns, route
from distributed_core.exceptions import GatewayError, GatewayUnavailable, KeyInFlight, KeyReused, NotFound
from distributed_core.gateway import client as gateway_client
from distributed_core.gateway.client import GatewayClient

SUBMIT = route.post("submit", reads=Reads.ENTITY, returns=Returns.MESSAGE)
WITHDRAW = route.post("withdraw", reads=Reads.ID, returns=Returns.REMOVED)
READ = route.get("read", returns=Returns.ENTITY)
DONE = {"data": {"id": 1}, "message": "done", "error": False, "hasData": True}


@pytest.fixture(autouse=True)
def fresh_slots(monkeypatch):
    """Each test counts its own calls in flight (the slots are per process, made at first use)."""
    monkeypatch.setattr(gateway_client, "_slots", {})


class Remote(BaseAdapter):
    """A remote node at the transport level: fails the first calls with `failures`, then answers `status`."""

    def __init__(self, *failures: Exception, status: int = 200, payload=DONE) -> None:
        super().__init__()
        self.failures = list(failures)
        self.status = status
        self.payload = payload
        self.keys: list[str | None] = []  # the Idempotency-Key of each call, as sent

    def send(self, request, **kwargs):
        self.keys.append(request.headers.get("Idempotency-Key"))
        if self.failures:
            raise self.failures.pop(0)
        response = requests.Response()
        response.status_code = self.status
        content = json.dumps(self.payload).encode()
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(content), status=self.status, preload_content=False)
        response.request, response.url = request, request.url
        return response

    def close(self) -> None:
        pass


def client_of(remote: Remote) -> GatewayClient:
    session = requests.Session()
    session.mount("http://remote.test", remote)
    return GatewayClient("http://remote.test/gateway", session=session)


def test_each_command_call_carries_a_new_key():
    remote = Remote()
    client = client_of(remote)
    client.call(SUBMIT, {"value": "v"})
    client.call(WITHDRAW, {"id": 1})
    assert len(set(remote.keys)) == 2 and all(uuid.UUID(key).version == 4 for key in remote.keys)


def test_a_command_call_carries_the_key_it_is_given():
    remote = Remote()
    client_of(remote).call(SUBMIT, {"value": "v"}, idempotency_key="the-caller-s-key")
    assert remote.keys == ["the-caller-s-key"]


@pytest.mark.parametrize(
    "failure",
    [
        requests.ConnectionError("connection refused"),
        requests.ReadTimeout("no answer in time"),
        requests.exceptions.ChunkedEncodingError("the connection broke mid-answer"),
        urllib3.exceptions.ProtocolError("connection reset by peer"),
    ],
)
def test_a_command_that_got_no_answer_is_sent_once_more_with_its_key(failure):
    remote = Remote(failure)
    assert client_of(remote).call(SUBMIT, {"value": "v"}) == DONE
    assert len(remote.keys) == 2 and remote.keys[0] == remote.keys[1]


def test_a_command_is_sent_twice_at_most():
    remote = Remote(requests.ConnectionError("refused"), requests.ConnectionError("refused again"))
    with pytest.raises(GatewayUnavailable, match="cannot be reached"):
        client_of(remote).call(SUBMIT, {"value": "v"})
    assert len(remote.keys) == 2


def test_a_read_carries_no_key_and_is_sent_once():
    remote = Remote(requests.ConnectionError("refused"))
    with pytest.raises(GatewayUnavailable):
        client_of(remote).call(READ)
    assert remote.keys == [None]


@pytest.mark.parametrize(
    ("status", "error"), [(400, GatewayError), (404, NotFound), (500, GatewayUnavailable), (503, GatewayUnavailable)]
)
def test_an_answer_is_never_retried(status, error):
    remote = Remote(status=status, payload="refused")
    with pytest.raises(error):
        client_of(remote).call(SUBMIT, {"value": "v"})
    assert len(remote.keys) == 1


@pytest.mark.parametrize(("status", "error"), [(409, KeyInFlight), (422, KeyReused)])
def test_the_remote_s_word_on_the_key_keeps_its_status(status, error):
    remote = Remote(status=status, payload="about the key")
    with pytest.raises(error, match="about the key") as raised:
        client_of(remote).call(SUBMIT, {"value": "v"})
    assert raised.value.status_code == status


def test_the_retry_fits_within_the_call_s_timeout():
    """A remote node that takes connections and never answers: two tries, within connect + read seconds."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def hold() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        client = GatewayClient(f"http://127.0.0.1:{listener.getsockname()[1]}/gateway", timeout=(0.3, 0.6))
        started = time.monotonic()
        with pytest.raises(GatewayUnavailable, match="cannot be reached"):
            client.call(SUBMIT, {"value": "v"})
        took = time.monotonic() - started
        assert len(accepted) == 2  # tried again, with what was left of the 0.9 s
        assert 0.6 <= took < 0.9 + 0.5, took
    finally:
        listener.close()
        holder.join(5)
        for connection in accepted:
            connection.close()
