"""SIGTERM drains a node served by `manage.py serve`: not ready at once, hub clients told to reconnect,
the request in flight finished, exit 0."""

from __future__ import annotations

import http.server
import os
import secrets
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests
from websockets.exceptions import ConnectionClosed

from .nodes import NodeProcess, free_port, stop_process, wait_until
from .test_hub_protocol_raw import RS, open_hub, records

DRAIN_SECONDS = 2.0


class SlowGateway(http.server.ThreadingHTTPServer):
    """A workflows gateway that holds every call until `release` is set: a request the node has in flight."""

    daemon_threads = True

    def __init__(self) -> None:
        self.called, self.release = threading.Event(), threading.Event()
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                gateway.called.set()
                gateway.release.wait(timeout=30)
                body = b"[]"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def slow_gateway():
    gateway = SlowGateway()
    thread = threading.Thread(target=gateway.serve_forever, daemon=True)
    thread.start()
    yield gateway
    gateway.release.set()
    gateway.shutdown()
    gateway.server_close()


def test_sigterm_drains_readiness_hub_clients_and_requests_in_flight_then_exits_0(tmp_path, slow_gateway):
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(
        {"DEBUG": "1", "PYTHONUNBUFFERED": "1", "DD_DATA_DIR": str(tmp_path), "RUN_LISTENERS": "0"}
        | {"SECRET_KEY": secrets.token_urlsafe(50), "CHANNEL_LAYER_PREFIX": f"dd-drain-{secrets.token_hex(4)}"}
        | {"WORKFLOWS_GATEWAY_URL": slow_gateway.url, "DRAIN_SECONDS": str(DRAIN_SECONDS)}
        | {"SERVER_GRACEFUL_TIMEOUT": "20"}
    )
    node = NodeProcess("proposals", env, tmp_path)
    node.migrate()
    node.start()
    try:
        in_flight: dict[str, requests.Response] = {}
        slow = threading.Thread(
            target=lambda: in_flight.setdefault(
                "response", requests.get(f"{node.url}/api/workflows/getPackagesByType/Proposal", timeout=30)
            )
        )
        with open_hub(f"{node.url.replace('http', 'ws')}/events/proposal") as hub:
            slow.start()
            assert slow_gateway.called.wait(timeout=10), "the slow request never reached the gateway"
            signalled = time.monotonic()
            node.process.send_signal(signal.SIGTERM)

            # at once: not ready, while everything else is still served
            ready = wait_until(
                lambda: (answer := requests.get(f"{node.url}/ready/", timeout=2)).status_code == 503 and answer.json(),
                timeout=DRAIN_SECONDS / 2,
                message="/ready/ 503 after SIGTERM",
            )
            assert ready["checks"] == {"draining": "stopping"} and ready["ready"] is False
            assert requests.get(f"{node.url}/health/", timeout=2).status_code == 200
            assert requests.get(f"{node.url}/api/proposal/get", timeout=5).status_code == 200

            # then the hub's close record allowing a reconnect, and only then the socket's close
            received: list[dict] = []
            closed = None
            while closed is None:
                try:
                    frame = hub.recv(timeout=DRAIN_SECONDS + 10)
                    assert frame.endswith(RS)
                    received += [record for record in records(frame) if record.get("type") != 6]  # not pings
                except ConnectionClosed as error:
                    closed = error
            told_after = time.monotonic() - signalled
        assert received == [{"type": 7, "allowReconnect": True}], received
        assert told_after >= DRAIN_SECONDS * 0.9, f"hub clients were told after {told_after:.2f} s, not the drain's"

        # the server has stopped accepting; the request it had in flight still completes
        slow_gateway.release.set()
        slow.join(timeout=20)
        assert in_flight["response"].status_code == 200 and in_flight["response"].json() == []
        assert node.process.wait(timeout=20) == 0
        assert time.monotonic() - signalled < DRAIN_SECONDS + 20
    finally:
        slow_gateway.release.set()
        stop_process(node.process)


def test_a_second_sigterm_during_the_drain_stops_at_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(
        {"DEBUG": "1", "PYTHONUNBUFFERED": "1", "DD_DATA_DIR": str(tmp_path), "RUN_LISTENERS": "0"}
        | {"SECRET_KEY": secrets.token_urlsafe(50), "DRAIN_SECONDS": "60"}
    )
    node = NodeProcess("proposals", env, tmp_path)
    node.migrate()
    node.start()
    try:
        node.process.send_signal(signal.SIGTERM)
        wait_until(lambda: requests.get(f"{node.url}/ready/", timeout=2).status_code == 503, timeout=5)
        node.process.send_signal(signal.SIGTERM)
        assert node.process.wait(timeout=10) == 0
    finally:
        stop_process(node.process)


def test_a_gunicorn_worker_with_the_drain_hook_is_unready_while_it_keeps_serving_then_exits_0(tmp_path):
    """gunicorn has no lifespan: its config's `post_worker_init` sets the drain up (docs/operations.md)."""
    (tmp_path / "drain_conf.py").write_text(
        "def post_worker_init(worker):\n"
        "    from distributed_core.serving.drain import drain_worker_on_sigterm\n\n"
        "    drain_worker_on_sigterm()\n\n\n"
        "graceful_timeout = 20\n"
    )
    (tmp_path / "node_wsgi.py").write_text(  # the node's WSGI application, as `<node>_project/wsgi.py` gives it
        "import os\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proposals_project.settings')\n"
        "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update(
        {"DEBUG": "1", "PYTHONUNBUFFERED": "1", "DD_DATA_DIR": str(tmp_path), "RUN_LISTENERS": "0"}
        | {"SECRET_KEY": secrets.token_urlsafe(50), "DRAIN_SECONDS": str(DRAIN_SECONDS)}
    )
    node = NodeProcess("proposals", env, tmp_path)
    node.migrate()
    command = [sys.executable, "-m", "gunicorn", "-c", str(tmp_path / "drain_conf.py"), "--pythonpath", str(tmp_path)]
    command += ["-b", f"127.0.0.1:{node.port}", "node_wsgi"]
    with (tmp_path / "gunicorn.log").open("ab") as log:
        node.process = subprocess.Popen(command, cwd=node.cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(node.is_up, timeout=40, message="gunicorn serving the node")
        node.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        wait_until(
            lambda: requests.get(f"{node.url}/ready/", timeout=2).status_code == 503,
            timeout=DRAIN_SECONDS / 2,
            message="/ready/ 503 after SIGTERM",
        )
        assert requests.get(f"{node.url}/api/proposal/get", timeout=5).status_code == 200  # still serving
        assert node.process.wait(timeout=DRAIN_SECONDS + 20) == 0
        assert time.monotonic() - signalled >= DRAIN_SECONDS * 0.9  # it served through the drain
    finally:
        stop_process(node.process)
