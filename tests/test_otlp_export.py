"""Spans go out by OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set: a node's request span reaches a collector."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .nodes import ROOT

TRACE_ID = "5f9c0d7e8a1b2c3d4e5f60718293a4b5"

# one request through the node's own WSGI application, then the spans flushed (a served node's batch
# processor sends them within seconds; a script ends first)
SCRIPT = f"""
import django
django.setup()
from django.test import Client
from opentelemetry import trace
answer = Client().get("/api/proposal/get", HTTP_TRACEPARENT="00-{TRACE_ID}-00f067aa0ba902b7-01")
assert answer.status_code == 200, answer.status_code
trace.get_tracer_provider().force_flush()
"""


class Collector(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Collector.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def run_node(env: dict[str, str], tmp_path) -> None:
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "proposals_project.settings",
        "DD_DATA_DIR": str(tmp_path),
    }
    node = ROOT / "proposals_node"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=node, env=base, check=True, timeout=120)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=node, env={**base, **env}, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_request_span_reaches_the_collector_only_when_an_endpoint_is_set(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        Collector.received.clear()
        run_node({}, tmp_path)
        assert Collector.received == []  # nothing set: nothing sent
        run_node({"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}, tmp_path)
        paths = [path for path, _ in Collector.received]
        assert "/v1/traces" in paths
        body = b"".join(body for path, body in Collector.received if path == "/v1/traces")
        assert bytes.fromhex(TRACE_ID) in body  # the span continues the request's traceparent
    finally:
        server.shutdown()
        server.server_close()
