"""Test helpers for nodes built on distributed_core."""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import unquote, urlparse

from asgiref.testing import ApplicationCommunicator
from django.test import Client

__all__ = [
    "LIVE_UPDATES_NOTICE",
    "JsonClient",
    "WebsocketClient",
    "close_sync_thread_connections",
    "get_app_page",
    "own_cache",
    "signalr_client_missing",
]

LIVE_UPDATES_NOTICE = "live updates unavailable (run npm ci)"


class JsonClient:
    """A Django test client that speaks JSON both ways: `response.json_body` holds the decoded answer."""

    def __init__(self) -> None:
        self.client = Client()

    def call(self, method: str, path: str, body: Any = None, raw: str | None = None, **headers: str):
        """Send `body` as JSON (or `raw` as is) with `method`; the decoded answer lands in `json_body`."""
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        send = getattr(self.client, method)
        if data is None:
            response = send(path, headers=headers)
        else:
            response = send(path, data, content_type="application/json", headers=headers)
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **headers: str):
        """GET `path`, with `headers` as keyword arguments."""
        return self.call("get", path, **headers)

    def post(self, path: str, body: Any = None, raw: str | None = None, **headers: str):
        """POST `body` as JSON (or `raw` as is) to `path`."""
        return self.call("post", path, body, raw, **headers)

    def delete(self, path: str, body: Any = None, raw: str | None = None, **headers: str):
        """DELETE `path`, with `body` as JSON (or `raw` as is) when given."""
        return self.call("delete", path, body, raw, **headers)


class WebsocketClient(ApplicationCommunicator):
    """An in-process WebSocket client of an ASGI app (Channels' own needs daphne installed).

    `connect()` answers whether the app accepted; `send_text()` / `receive_text()` move frames.
    """

    def __init__(self, application, path: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        parsed = urlparse(path)
        scope = {
            "type": "websocket",
            "path": unquote(parsed.path),
            "query_string": parsed.query.encode(),
            "headers": headers or [],
            "subprotocols": [],
        }
        super().__init__(application, scope)

    async def connect(self, timeout: float = 5) -> bool:
        """Open the WebSocket; whether the app accepted it."""
        await self.send_input({"type": "websocket.connect"})
        return (await self.receive_output(timeout))["type"] == "websocket.accept"

    async def send_text(self, text: str) -> None:
        """Send one text frame to the app."""
        await self.send_input({"type": "websocket.receive", "text": text})

    async def receive_text(self, timeout: float = 5) -> str:
        """The app's next text frame; an AssertionError when it sends anything else (a close)."""
        message = await self.receive_output(timeout)
        if message["type"] != "websocket.send":
            raise AssertionError(f"expected a frame, got {message}")
        return message["text"]

    async def disconnect(self, timeout: float = 5) -> None:
        """Close the WebSocket (code 1000) and wait for the app to finish."""
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(timeout)


def signalr_client_missing() -> bool:
    """Whether no static finder serves the SignalR browser client (outside CI a test may skip then)."""
    from .pages import signalr_available

    return not signalr_available() and os.environ.get("CI", "").lower() != "true"


def get_app_page(client: Client, app_script: str, live: bool) -> str:
    """GET a node's app at `/` and check what every app page carries; returns its HTML.

    `live`: whether the SignalR browser client is installed (the page loads it) or not (the
    page says so). `app_script` is the app's own module, e.g. `invoices/app.js`.
    """
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert app_script in html and 'role="status"' in html
    assert 'href="/swagger/"' in html and 'href="/api/"' in html and 'href="/admin/"' in html
    if live:
        assert "signalr.min.js" in html and LIVE_UPDATES_NOTICE not in html
    else:
        assert LIVE_UPDATES_NOTICE in html and "signalr.min.js" not in html
    return html


def own_cache(settings) -> None:
    """Give the running test a cache of its own (in this process's memory), counts of sign-in failures included.

    The cache outlives a test (and with `REDIS_URL`, a test run): without this, one test's failed
    sign-ins would count towards the next one's limits. `settings` is pytest-django's fixture.
    """
    import uuid

    from axes.handlers.proxy import AxesProxyHandler

    backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    settings.CACHES = {"default": {**settings.CACHES.get("default", {}), **backend}}
    settings.CACHES["default"].pop("OPTIONS", None)  # Redis' connection options mean nothing to it
    AxesProxyHandler.get_implementation(force=True)  # axes' handler keeps the cache it was made with


def close_sync_thread_connections() -> None:
    """Close the database connections of asgiref's shared sync thread, where async tests' database calls ran.

    Connections outlive a request (`CONN_MAX_AGE`), so that thread keeps its own after the last
    test; call this at the end of a session that ran async tests, before the test database is
    dropped (PostgreSQL refuses to drop a database in use).
    """
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=30)
