"""What tracing and metrics cost the REST path, with no exporter (not a test: it prints figures).

    .venv/bin/python -m bench.tracing [--rounds 5] [--n 400]

Two kinds of worker process serve the proposals node's WSGI application in-process (Django's
WSGIHandler called directly, DEBUG=0, an open node, SQLite in a temporary folder, no server and no
socket, so what differs is all that is measured):

  off   the node without what issue 19 adds on the request path: no OpenTelemetry (tracer
        provider and Django instrumentation not installed), no ObservabilityMiddleware
  on    the node as it ships: the request's span (continuing a `traceparent`), its cause and
        metrics; each event stamped with its trace id and cause; no exporter (nothing set)

Each round runs `--n` reads (GET getFromId) then `--n` saves (POST save: the write, its Status and
its event) in an `off` and an `on` process, in alternating order, and prints the requests/s of
each and on/off, by the wall clock and by the process's CPU time (per CPU second: on a shared
machine the others' load moves it least); the medians over the rounds come last. Every request
sends a `traceparent`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "proposals_node"


def worker(mode: str, n: int) -> dict[str, float]:
    """Run in a subprocess: set the node up (tracing on or off), then time `n` reads and `n` saves."""
    sys.path.insert(0, str(NODE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")
    if mode == "off":
        from distributed_core.observability import tracing

        tracing.setup_tracing = lambda service_name: None
        from django.conf import settings

        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "ObservabilityMiddleware" not in m]
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    application = get_wsgi_application()
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    def call(method: str, path: str, body: bytes = b"") -> int:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_TRACEPARENT": traceparent,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status = []
        for _ in application(environ, lambda s, h, e=None: status.append(s)):
            pass
        return int(status[0].split()[0])

    body = json.dumps({"title": "Bench", "value": "Bench proposal"}).encode()
    assert call("POST", "/api/proposal/save", body) == 200
    for _ in range(50):  # warm up
        call("GET", "/api/proposal/getFromId/1")
    figures = {}
    for measure, method, path, sent in (
        ("read", "GET", "/api/proposal/getFromId/1", b""),
        ("save", "POST", "/api/proposal/save", body),
    ):
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            call(method, path, sent)
        figures[measure] = n / (time.perf_counter() - started)
        figures[f"{measure} cpu"] = n / (time.process_time() - cpu)  # what the others' load moves least
    return figures


def run(mode: str, n: int, folder: str) -> dict[str, float]:
    """One worker process of `mode`, on a fresh database in `folder`; its figures."""
    env = {**os.environ, "DEBUG": "0", "ALLOW_ANONYMOUS": "1", "DD_DATA_DIR": folder, "SECRET_KEY": "bench-" + "x" * 50}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    for name in [key for key in env if key.endswith("DATABASE_URL")]:
        env.pop(name)
    code = f"import json, bench.tracing as b; print(json.dumps(b.worker({mode!r}, {n})))"
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    """Alternate off and on workers for `--rounds` rounds; print each round and the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=400, help="reads and saves per worker (default 400)")
    options = parser.parse_args()
    measures = ("read", "read cpu", "save", "save cpu")
    ratios: dict[str, list[float]] = {measure: [] for measure in measures}
    for number in range(options.rounds):
        order = ("off", "on") if number % 2 == 0 else ("on", "off")
        figures = {}
        for mode in order:
            with tempfile.TemporaryDirectory() as folder:
                figures[mode] = run(mode, options.n, folder)
        line = []
        for measure in measures:
            off, on = figures["off"][measure], figures["on"][measure]
            ratios[measure].append(on / off)
            line.append(f"{measure}: off {off:6.0f}/s on {on:6.0f}/s on/off {on / off:.3f}")
        print(f"round {number + 1}: " + " | ".join(line), flush=True)
    print("median on/off: " + "   ".join(f"{m} {statistics.median(r):.3f}" for m, r in ratios.items()))
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
