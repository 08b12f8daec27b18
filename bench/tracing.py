"""What tracing and metrics cost the REST path, with no exporter (not a test: it prints figures).

    .venv/bin/python -m bench.tracing [--processes 3] [--blocks 20] [--n 100]

Each of `--processes` worker processes sets the proposals node up as it ships (DEBUG=0, an open
node, SQLite in a temporary folder, no exporter) and calls two WSGI handlers of it in-process
(Django's WSGIHandler called directly: no server and no socket, so what differs is all that is
measured, undiluted):

  off   the node without ObservabilityMiddleware: no request span, no cause, no request metrics;
        its events carry no trace id
  on    the node as it ships: the request's span (continuing the `traceparent` every request
        sends), its cause and metrics; each event stamped with its trace id and cause
  otel  the node with OpenTelemetry's Django instrumentation installed as well, as it is when
        spans are exported (here with nothing to record them): why it is not installed otherwise

The three take turns in blocks of `--n` reads (GET getFromId) then `--n` saves (POST save: the write,
its Status and its event), in a rotating order, each block after a full garbage collection (so
that no mode pays for the garbage of the one before), `--blocks` times per process: in one process,
so what differs from one process to the next (memory layout, the core it runs on: on this
machine that alone moves a figure by 30 %) falls on both alike. It prints each process's
requests/s of each and on/off and otel/off (from the total time of each mode), the microseconds
a request costs more than off, and the medians over the processes.
"""

from __future__ import annotations

import argparse
import gc
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
MEASURES = ("read", "save")
MODES = ("off", "on", "otel")


def worker(blocks: int, n: int) -> dict[str, dict[str, float]]:
    """Run in a subprocess: set the node up, then time `blocks` turns of `n` reads and `n` saves per handler."""
    sys.path.insert(0, str(NODE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    shipped = settings.MIDDLEWARE
    handlers = {"on": WSGIHandler()}
    settings.MIDDLEWARE = [m for m in shipped if "ObservabilityMiddleware" not in m]
    handlers["off"] = WSGIHandler()  # reads the middleware list when it is made
    settings.MIDDLEWARE = shipped
    from opentelemetry import trace
    from opentelemetry.instrumentation.django import DjangoInstrumentor

    DjangoInstrumentor().instrument(tracer_provider=trace.get_tracer_provider())  # puts its middleware first
    handlers["otel"] = WSGIHandler()
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    def call(application: WSGIHandler, method: str, path: str, body: bytes = b"") -> int:
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
    requests = {"read": ("GET", "/api/proposal/getFromId/1", b""), "save": ("POST", "/api/proposal/save", body)}
    for handler in handlers.values():  # warm up
        assert call(handler, "POST", "/api/proposal/save", body) == 200
        for _ in range(50):
            assert call(handler, "GET", "/api/proposal/getFromId/1") == 200
    seconds = {mode: dict.fromkeys(MEASURES, 0.0) for mode in handlers}
    for block in range(blocks):
        for measure, (method, path, sent) in requests.items():
            for mode in MODES[block % 3 :] + MODES[: block % 3]:  # each mode in each place alike
                gc.collect()  # what the mode before left is not this one's to collect
                started = time.perf_counter()
                for _ in range(n):
                    call(handlers[mode], method, path, sent)
                seconds[mode][measure] += time.perf_counter() - started
    return {mode: {measure: blocks * n / spent for measure, spent in by.items()} for mode, by in seconds.items()}


def run(blocks: int, n: int, folder: str) -> dict[str, dict[str, float]]:
    """One worker process on a fresh database in `folder`; requests/s per mode and measure."""
    env = {**os.environ, "DEBUG": "0", "ALLOW_ANONYMOUS": "1", "DD_DATA_DIR": folder, "SECRET_KEY": "bench-" + "x" * 50}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    for name in [key for key in env if key.endswith("DATABASE_URL")]:
        env.pop(name)
    code = f"import json, bench.tracing as b; print(json.dumps(b.worker({blocks}, {n})))"
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=1200
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the worker processes one after the other; print each one's figures and the medians."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=20, help="turns of each handler per process (default 20)")
    parser.add_argument("--n", type=int, default=100, help="reads and saves per turn (default 100)")
    options = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    ratios: dict[str, list[float]] = {f"{measure} {mode}/off": [] for measure in MEASURES for mode in MODES[1:]}
    for number in range(options.processes):
        with tempfile.TemporaryDirectory() as folder:
            figures = run(options.blocks, options.n, folder)
        for measure in MEASURES:
            off = figures["off"][measure]
            line = [f"{measure}: off {off:5.0f}/s"]
            for mode in MODES[1:]:
                rate = figures[mode][measure]
                ratios[f"{measure} {mode}/off"].append(rate / off)
                line.append(f"{mode} {rate:5.0f}/s {mode}/off {rate / off:.3f} ({(1 / rate - 1 / off) * 1e6:+4.0f} us)")
            print(f"process {number + 1} " + "  ".join(line), flush=True)
    print("medians: " + "   ".join(f"{name} {statistics.median(r):.3f}" for name, r in ratios.items()))
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
