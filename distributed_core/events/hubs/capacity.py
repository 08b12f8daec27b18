"""HubConnectionCap: at most `DD_HUB_MAX_CONNECTIONS` hub connections at once in one node process (none once its
hubs are closed for a restart: shutdown.py).

ASGI middleware around the hubs, outermost. A WebSocket beyond the cap is refused before it is
accepted, so it costs no consumer, no outbox and no place in the fan-out. Where the server offers
the WebSocket denial response extension (uvicorn does) the refusal is an HTTP 503 with a JSON
message and `Retry-After`; elsewhere it is the HTTP 403 of a close before accept.

It also hands the hub the server's own `send` (`scope["hub.server_send"]`) for the frames the
fan-out writes: the middlewares inside (sessions) wrap `send` to set cookies on responses, have
nothing to add to a `websocket.send`, and would cost every broadcast a few calls per connection.
"""

from __future__ import annotations

import json
from typing import Any

from ...conf import dd_settings
from .shutdown import hubs_closed

__all__ = ["SERVER_SEND", "HubConnectionCap"]

Scope = dict[str, Any]
SERVER_SEND = "hub.server_send"  # the scope key of the server's own send


class HubConnectionCap:
    """Counts this process's WebSocket connections and refuses one beyond `DD_HUB_MAX_CONNECTIONS`."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.open = 0

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Pass a connection within the cap on to the hubs, counted for as long as it lasts."""
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        if hubs_closed():  # stopping: the client reconnects elsewhere (or here, once restarted)
            await refuse(scope, receive, send, "This node is restarting: reconnect")
            return
        limit = dd_settings.hub_max_connections
        if self.open >= limit:
            await refuse(scope, receive, send, f"This node holds at most {limit} hub connections: try again later")
            return
        self.open += 1
        try:
            await self.app({**scope, SERVER_SEND: send}, receive, send)
        finally:
            self.open -= 1


async def refuse(scope: Scope, receive: Any, send: Any, message: str) -> None:
    """Refuse a WebSocket before accepting it: 503 with `message` as JSON, or a plain close (403)."""
    await receive()  # websocket.connect
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close"})
        return
    headers = [(b"content-type", b"application/json"), (b"retry-after", b"1")]
    await send({"type": "websocket.http.response.start", "status": 503, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": json.dumps(message).encode()})
