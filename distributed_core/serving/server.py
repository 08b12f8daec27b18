"""Serve a node the way every deployment does: one port for REST and the event hubs, on uvicorn.

    serve("invoices_project.asgi:application", host="0.0.0.0", port=5003, workers=4)

uvicorn runs the node's ASGI application (`distributed_core.asgi.NodeApplication`): WebSockets
and the listeners on its event loop, HTTP requests through `WsgiBridge` on a pool of threads.
The connection protocol is `NodeHttpProtocol` (head deadline, 16 KiB heads, socket cap), and the timeouts and
limits come from the `DD_SERVER_*` settings. With `workers` > 1 uvicorn starts that many
processes on the one socket and replaces any that dies; they count their metrics into a fresh
`PROMETHEUS_MULTIPROC_DIR` (unless one is set), so `/metrics` adds them up.

SIGTERM drains (`drain.py`, set up by the application's lifespan): `/ready/` 503 for
`DD_DRAIN_SECONDS`, hub clients told to reconnect, then uvicorn's stop, which gives the requests in
flight `DD_SERVER_GRACEFUL_TIMEOUT` seconds; a stop asked for this way ends the process with 0.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile

import uvicorn

from ..conf import dd_settings
from .open_files import ensure_open_files
from .protocol import node_http_protocol

__all__ = ["serve"]


def serve(application: str, *, host: str, port: int, workers: int = 1, access_log: bool = False) -> None:
    """Serve the ASGI `application` ("module:attribute") on `host`:`port` until SIGINT or SIGTERM."""
    ensure_open_files(dd_settings.server_max_connections, dd_settings.server_threads)  # workers inherit it
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # the workers (spawned: they import prometheus-client afresh) count into files that /metrics adds up
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder = tempfile.mkdtemp(prefix="dd-metrics-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # when the server has stopped
    # uvicorn raises the signal it stopped for again once it has stopped, with the handler found before it: the
    # stop was graceful, so the process ends normally (exit 0) rather than killed by its own SIGTERM
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    protocol = node_http_protocol(
        header_timeout=dd_settings.server_header_timeout, max_connections=dd_settings.server_max_connections
    )
    uvicorn.run(
        application,
        host=host,
        port=port,
        workers=workers,
        http=protocol,
        lifespan="on",
        access_log=access_log,  # off by default: it costs time; credentials in it are masked (redaction.py)
        # SignalR records are small: compressing them costs every hub connection ~300 KB of zlib state and
        # every broadcast a deflate per connection (ASP.NET Core leaves WebSocket compression off too)
        ws_per_message_deflate=False,
        timeout_keep_alive=dd_settings.server_keepalive_timeout,  # type: ignore[arg-type]
        timeout_graceful_shutdown=dd_settings.server_graceful_timeout,  # type: ignore[arg-type]
    )
