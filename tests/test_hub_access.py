"""Access withdrawn is withdrawn everywhere: a hub connection closes within 5 s of losing what admitted it.

On the closed suite (DEBUG=0): a connection admitted with an API token, or a signed-in browser's
session, gets a SignalR Close record (no allowReconnect), then the socket's close, within
`WITHIN` seconds of its token being revoked (`DELETE /api/auth/token/`), its user disabled or
deleted, its session logged out, or its view permission removed (the user's own, or its group's
membership). `Replay(0)` after a revocation sends no event. With two workers of one node
(Redis), a revocation made through one closes the connection the other holds.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from .client import Api
from .nodes import NodeProcess, Suite, stop_process
from .people import PASSWORD, cookie_header, csrf_token, session_api
from .test_cross_node_http import create_proposal

RS = "\x1e"
WITHIN = 5.0  # seconds from a withdrawal to the Close record, as issue 18 asks
HUB = "/events/proposal"
REDIS = os.environ.get("TEST_REDIS_URL", "")


def new_user(suite: Suite, *options: str) -> str:
    """A fresh account on the proposals node (each test withdraws its own)."""
    username = f"hub-{secrets.token_hex(4)}"
    suite.add_user(username, PASSWORD, *options, nodes=("proposals",))
    return username


def new_token(url: str, username: str) -> str:
    answer = Api(url).post("/api/auth/token/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def revoke(url: str, token: str) -> None:
    assert Api(url).delete("/api/auth/token/", headers={"Authorization": f"Token {token}"}).status_code == 204


@contextlib.contextmanager
def open_hub(url: str, headers: dict[str, str]) -> Iterator[ClientConnection]:
    """A WebSocket on the proposals hub at `url`, past the SignalR handshake (closed on leaving)."""
    with connect(url.replace("http", "ws", 1) + HUB, additional_headers=headers, proxy=None, open_timeout=10) as hub:
        hub.send(json.dumps({"protocol": "json", "version": 1}) + RS)
        assert hub.recv(timeout=10) == "{}" + RS
        yield hub


def delete_user(suite: Suite, username: str, what: str = "delete()") -> None:
    """`User.objects.get(username=...).<what>` in the proposals node's shell, as an operator would."""
    code = f"from django.contrib.auth.models import User; User.objects.get(username='{username}').{what}"
    suite.proposals.manage("shell", "-c", code)


def closed_for_good(hub: ClientConnection, since: float, within: float = WITHIN) -> dict:
    """The Close record the hub sends within `within` seconds of `since` (no event before it), then its close."""
    while True:
        left = since + within - time.monotonic()
        if left <= 0:
            raise AssertionError(f"the connection was not closed within {within} s")
        try:
            frame = hub.recv(timeout=left)
        except TimeoutError:
            continue
        records = [json.loads(part) for part in frame.split(RS) if part]
        sent = [record for record in records if record["type"] == 1 and record["target"] != "Ping"]
        assert not sent, f"sent after its access was withdrawn: {sent}"
        close = next((record for record in records if record["type"] == 7), None)
        if close is not None:
            assert "allowReconnect" not in close and close["error"].startswith("Access withdrawn: "), close
            with pytest.raises(ConnectionClosed):
                hub.recv(timeout=5)
            return close


@pytest.fixture(scope="module")
def proposals(closed_suite) -> str:
    return closed_suite.proposals.url


@pytest.mark.parametrize("withdrawal", ["token revoked", "user disabled", "user deleted"])
def test_a_token_connection_closes_when_its_access_is_withdrawn(closed_suite, proposals, withdrawal):
    username = new_user(closed_suite, "--group=proposers")
    token = new_token(proposals, username)
    with open_hub(proposals, {"Authorization": f"Token {token}"}) as hub:
        if withdrawal == "token revoked":
            revoke(proposals, token)
        elif withdrawal == "user disabled":
            closed_suite.add_user(username, PASSWORD, "--disable", nodes=("proposals",))
        else:
            delete_user(closed_suite, username)
        closed_for_good(hub, since=time.monotonic())


@pytest.mark.parametrize("held", ["its own permission", "a group's"])
def test_a_connection_closes_when_its_view_permission_is_removed(closed_suite, proposals, held):
    option = "--permission=proposals.view_proposal" if held == "its own permission" else "--group=proposers"
    username = new_user(closed_suite, option)
    with open_hub(proposals, {"Authorization": f"Token {new_token(proposals, username)}"}) as hub:
        delete_user(
            closed_suite, username, "user_permissions.clear()" if held == "its own permission" else "groups.clear()"
        )
        closed_for_good(hub, since=time.monotonic())


def test_a_browser_connection_closes_when_its_session_logs_out(closed_suite, proposals):
    browser = session_api(proposals, new_user(closed_suite, "--group=proposers"))
    with open_hub(proposals, {"Origin": proposals, "Cookie": cookie_header(browser)}) as hub:
        signed_out = browser.session.post(
            proposals + "/accounts/logout/", data={"csrfmiddlewaretoken": csrf_token(browser)}, allow_redirects=False
        )
        assert signed_out.status_code == 302, signed_out.text
        closed_for_good(hub, since=time.monotonic())


def test_replay_after_a_revocation_sends_nothing(closed_suite, proposals):
    writer = Api(proposals)
    writer.session.headers["Authorization"] = "Token " + new_token(
        proposals, new_user(closed_suite, "--group=proposers")
    )
    create_proposal(writer, "Logged before the revocation")
    token = new_token(proposals, new_user(closed_suite, "--group=proposers"))
    replay = json.dumps({"type": 1, "invocationId": "1", "target": "Replay", "arguments": [0]}) + RS
    with open_hub(proposals, {"Authorization": f"Token {token}"}) as hub:
        hub.send(replay)
        before = ""
        while '"type":3' not in before:
            before += hub.recv(timeout=10)
        assert '"target":"OnAdd"' in before  # while it may, Replay(0) sends the log
        revoke(proposals, token)
        revoked = time.monotonic()
        try:
            hub.send(replay)
            frame = hub.recv(timeout=WITHIN)
        except ConnectionClosed:
            return  # already closed by the periodic check: nothing sent
        records = [json.loads(part) for part in frame.split(RS) if part]
        assert [record for record in records if record["type"] == 1] == [], records
        assert records[0]["type"] in (3, 7) and "result" not in records[0], records  # an error completion, or Close
        if records[0]["type"] == 3:
            assert "access withdrawn" in records[0]["error"]
        if not any(record["type"] == 7 for record in records):
            closed_for_good(hub, since=revoked)


@pytest.mark.skipif(
    not REDIS, reason="needs Redis: set TEST_REDIS_URL (manage_all.py test does, and fails in CI without)"
)
def test_a_revocation_through_one_worker_closes_the_connection_another_holds(tmp_path):
    env = {"REDIS_URL": REDIS, "RUN_LISTENERS": "0", "CHANNEL_LAYER_PREFIX": f"dd-access-{secrets.token_hex(4)}"}
    suite = Suite(tmp_path, service_token="two-workers-secret", extra_env=env, debug=False)
    suite.proposals.migrate()
    suite.proposals.start()
    second = NodeProcess("proposals", suite.proposals.env, tmp_path)
    try:
        second.start()
        username = new_user(suite, "--group=proposers")
        token = new_token(suite.proposals.url, username)
        with open_hub(second.url, {"Authorization": f"Token {token}"}) as hub:
            revoke(suite.proposals.url, token)  # through the first worker
            closed_for_good(hub, since=time.monotonic())
    finally:
        stop_process(second.process)
        suite.stop()
