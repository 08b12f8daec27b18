"""The ASGI application of a node: Django for HTTP, event hubs for WebSockets, listeners on lifespan.

HTTP goes to Django's WSGI handler on a pool of threads (`serving.bridge.WsgiBridge`), at the
speed of a WSGI server and on the same port as the hubs; `manage.py serve` runs it on uvicorn.
With `DD_RUN_LISTENERS` on (the embedded default) the node's EventListeners run as tasks of the
server's event loop, started by the ASGI lifespan and cancelled on shutdown. In deployments with
several workers they run in their own process instead (`manage.py listen`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys

__all__ = ["node_application"]

logger = logging.getLogger("distributed_core")

SWITCH_INTERVAL = 0.0005  # seconds a thread may hold the GIL while another one waits for it


class NodeApplication:
    """Routes HTTP and WebSockets, and runs the listeners for the lifetime of the server."""

    def __init__(self, router, http) -> None:
        self.router = router
        self.http = http
        self.listeners: asyncio.Task | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        else:
            await self.router(scope, receive, send)

    async def lifespan(self, receive, send) -> None:
        """Start the listeners on startup (when they run in-process) and cancel them on shutdown."""
        from .conf import dd_settings
        from .events.publisher import bind_loop
        from .events.runner import run_listeners

        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # Everything loaded at start-up lives as long as the process: keep it out of the
                # collector's generations, so a full collection does not stall a broadcast.
                gc.collect()
                gc.freeze()
                bind_loop()  # events committed by any thread are published from this loop, nobody waits
                # Request threads run short bursts of Python between database calls; one that holds
                # SQLite's write lock waits for the GIL after each call for up to the switch interval
                # while others run (5 ms by default): saves queue behind that wait.
                sys.setswitchinterval(SWITCH_INTERVAL)
                if dd_settings.run_listeners_in_process and dd_settings.listeners:
                    self.listeners = asyncio.create_task(run_listeners())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.listeners is not None:
                    self.listeners.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await self.listeners
                self.http.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def node_application() -> NodeApplication:
    """Build the node's ASGI app; call it from the node's asgi.py after setting the settings module."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    wsgi = get_wsgi_application()  # sets Django up before anything imports models

    from channels.auth import AuthMiddlewareStack
    from channels.layers import get_channel_layer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import re_path

    from .checks import open_node_warnings
    from .conf import dd_settings
    from .events.admission import HubAdmission
    from .events.capacity import HubConnectionCap
    from .events.hub import EventHubConsumer
    from .serving.bridge import WsgiBridge

    for warning in open_node_warnings():
        logger.warning(warning)
    get_channel_layer()  # built at start-up, not by the first hub connection: its imports (redis) are MBs
    http = WsgiBridge(
        wsgi,
        threads=dd_settings.server_threads,
        max_body=settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        body_timeout=dd_settings.server_body_timeout,
    )
    hub = HubAdmission(EventHubConsumer.as_asgi())  # Host, Origin and caller checked before the consumer
    # the cap is outermost: a connection beyond it is refused before anything else is spent on it
    websocket = HubConnectionCap(AuthMiddlewareStack(URLRouter([re_path(r"^events/(?P<hub>[\w-]+)/?$", hub)])))
    return NodeApplication(ProtocolTypeRouter({"http": http, "websocket": websocket}), http)
