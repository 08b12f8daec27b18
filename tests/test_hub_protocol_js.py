"""The official SignalR JavaScript client (@microsoft/signalr, pinned in tests/signalr_js) against
real node processes: tests/signalr_js/hub_client.cjs runs one scenario and prints JSON lines.

Needs Node.js, npm and `npm ci --prefix tests/signalr_js`; without them these tests fail."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from .nodes import Suite, stop_process
from .test_cross_node_http import create_proposal

JS_DIR = Path(__file__).resolve().parent / "signalr_js"
SCRIPT = JS_DIR / "hub_client.cjs"
INSTALL = "npm ci --prefix tests/signalr_js"


def node_executable() -> str:
    """The `node` to run the script with; fails the test, with what to do, when something is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail(f"Node.js and npm are needed for the JavaScript client tests: install them, then run `{INSTALL}`")
    installed = JS_DIR / "node_modules" / "@microsoft" / "signalr" / "package.json"
    if not installed.exists():
        pytest.fail(f"@microsoft/signalr is not installed in {JS_DIR}: run `{INSTALL}`")
    pinned = json.loads((JS_DIR / "package.json").read_text())["dependencies"]["@microsoft/signalr"]
    version = json.loads(installed.read_text())["version"]
    if version != pinned:
        pytest.fail(f"@microsoft/signalr {version} is installed but {pinned} is pinned: run `{INSTALL}`")
    return node


class JsClient:
    """One run of hub_client.cjs; its stdout lines are read with deadlines, and it is stopped on exit."""

    def __init__(self, hub_url: str, scenario: str) -> None:
        command = [node_executable(), str(SCRIPT), hub_url, scenario]
        self.process = subprocess.Popen(
            command, cwd=JS_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        )
        self.lines: queue.Queue[dict | None] = queue.Queue()
        self.seen: list[dict] = []
        self.stderr: list[str] = []
        self.ended = False
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.stderr_reader = threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True)
        self.stderr_reader.start()

    def _read_stdout(self) -> None:
        for line in self.process.stdout:
            try:
                self.lines.put(json.loads(line))
            except json.JSONDecodeError:
                self.lines.put({"event": "unparsed", "line": line})
        self.lines.put(None)

    def expect(self, event: str, timeout: float = 15.0) -> dict:
        """The next line whose event is `event`, skipping others; fails at the deadline or if the script ends."""
        deadline = time.monotonic() + timeout
        while not self.ended:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                break
            if line is None:
                self.ended = True
                break
            self.seen.append(line)
            if line["event"] == event:
                return line
        state = "ended" if self.ended else f"no {event!r} within {timeout}s"
        raise AssertionError(f"{state}; lines so far: {self.seen}; stderr: {''.join(self.stderr)}")

    def exit_code(self, timeout: float = 15.0) -> int:
        return self.process.wait(timeout=timeout)

    def all_stderr(self, timeout: float = 15.0) -> str:
        """Everything the script wrote to stderr (its client's warnings), once it has exited."""
        self.exit_code(timeout)
        self.stderr_reader.join(timeout)
        return "".join(self.stderr)

    def __enter__(self) -> JsClient:
        return self

    def __exit__(self, *exc) -> None:
        stop_process(self.process, timeout=5)


@pytest.fixture(scope="module")
def hub_url(suite) -> str:
    return f"{suite.proposals.url}/events/proposal"


@pytest.fixture
def fast_keepalive_hub_url(tmp_path):
    """A separate proposals node whose hub sends a keep-alive ping every second."""
    keepalive_suite = Suite(tmp_path, extra_env={"HUB_KEEPALIVE_INTERVAL": "1"})
    node = keepalive_suite.proposals
    try:
        node.migrate()
        node.start()
        yield f"{node.url}/events/proposal"
    finally:
        keepalive_suite.stop()


def assert_receives_on_add(proposals, hub_url: str, scenario: str) -> dict:
    with JsClient(hub_url, scenario) as client:
        connected = client.expect("connected")
        proposal = create_proposal(proposals, f"JS {scenario}")
        added = client.expect("OnAdd")["arg"]
        assert added["id"] == proposal["id"] and added["data"]["title"] == f"JS {scenario}"
        assert isinstance(added["seq"], int) and added["message"] == f"Proposal {proposal['id']} added"
        client.expect("done")
        assert client.exit_code() == 0
        return connected


def test_negotiated_connection_receives_on_add(proposals, hub_url):
    connected = assert_receives_on_add(proposals, hub_url, "negotiate")
    assert connected["negotiations"] == 1 and connected["connectionId"]


def test_connection_without_negotiation_receives_on_add(proposals, hub_url):
    connected = assert_receives_on_add(proposals, hub_url, "skip-negotiation")
    assert connected["negotiations"] == 0


def test_invoking_ping_broadcasts_ping(hub_url):
    with JsClient(hub_url, "ping") as client:
        client.expect("done")  # the broadcast may reach the caller before its completion, as in ASP.NET Core
        assert {"event": "completion", "method": "Ping", "result": None} in client.seen
        assert {"event": "Ping", "arg": {"message": "Ping"}} in client.seen
        assert client.exit_code() == 0


def test_replay_sends_earlier_events_then_completes_with_the_last_seq(proposals, hub_url):
    proposal = create_proposal(proposals, "JS replayed")
    with JsClient(hub_url, "replay") as client:
        replayed = client.expect("OnAdd")["arg"]
        while replayed["id"] != proposal["id"]:
            replayed = client.expect("OnAdd")["arg"]
        result = client.expect("completion")["result"]
        assert isinstance(result, int) and result >= replayed["seq"]
        client.expect("done")
        assert client.exit_code() == 0


def test_server_pings_keep_an_idle_client_connected(fast_keepalive_hub_url):
    with JsClient(fast_keepalive_hub_url, "keepalive") as client:
        client.expect("idle")
        assert client.expect("still-connected", timeout=20)["state"] == "Connected"
        client.expect("Ping")
        client.expect("done")
        assert client.exit_code() == 0
        assert not [line for line in client.seen if line["event"] == "closed" and line["error"]]


def test_the_original_clients_get_no_target_they_do_not_handle(fast_keepalive_hub_url):
    """Six keep-alive intervals with only OnAdd, OnUpdate, OnRemove, OnStateChanged and Ping handled."""
    with JsClient(fast_keepalive_hub_url, "original-targets") as client:
        client.expect("idle")
        client.expect("done", timeout=20)
        assert client.exit_code() == 0
        warnings = client.all_stderr()
        assert "No client method" not in warnings, warnings


def test_sync_completes_with_the_last_seq_then_comes_with_every_keepalive(fast_keepalive_hub_url):
    with JsClient(fast_keepalive_hub_url, "sync") as client:
        seq = client.expect("completion")["result"]
        assert isinstance(seq, int) and not isinstance(seq, bool)
        client.expect("done", timeout=20)
        assert client.exit_code() == 0
        syncs = [line["arg"] for line in client.seen if line["event"] == "Sync"]
        assert len(syncs) >= 2 and all(sync == {"seq": seq, "message": "Sync"} for sync in syncs)


def test_without_server_pings_in_time_the_client_times_out(hub_url):
    """The control for the test above: this node pings every 15 s, later than the client's 3 s timeout."""
    with JsClient(hub_url, "keepalive") as client:
        assert "Server timeout" in client.expect("closed", timeout=20)["error"]
        assert client.exit_code() == 1
