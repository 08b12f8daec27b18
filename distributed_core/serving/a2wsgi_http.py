"""CANDIDATE (evaluation only): HTTP through a2wsgi's WSGIMiddleware, the body read first as WsgiBridge reads it."""

from __future__ import annotations

from typing import Any

from a2wsgi import WSGIMiddleware

from .bridge import RequestRefused, WsgiBridge, send_answer
from .answers import json_answer


class A2wsgiHttp:
    """An ASGI app for `http` scopes: the body read whole on the loop (limits, timeout), then a2wsgi."""

    def __init__(self, wsgi_app, *, threads: int, max_body: int | None, body_timeout: float) -> None:
        self.reader = WsgiBridge(wsgi_app, threads=1, max_body=max_body, body_timeout=body_timeout)
        self.app = WSGIMiddleware(wsgi_app, workers=threads)

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        try:
            body = await self.reader.read_body(scope, receive)
        except RequestRefused as refused:
            await send_answer(send, json_answer(refused.status, refused.message, close=True))
            return
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length" and b"_" not in k]
        headers.append((b"content-length", str(len(body)).encode()))
        delivered = False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app({**scope, "headers": headers}, replay, send)

    def close(self) -> None:
        self.app.executor.shutdown(wait=False)
