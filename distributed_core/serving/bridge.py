"""HTTP at WSGI speed inside the node's ASGI server: Django's WSGI handler on a pool of long-lived threads.

Django's ASGI handler pays, per request, for a new thread (and so a new database connection)
and for several hops between the event loop and sync code. `WsgiBridge` reads the request body
on the event loop, then runs the whole request (middleware, view, commit, rendering) as one call
of Django's WSGI application on a pool of threads that live as long as the process, each with
its own database connection (`CONN_MAX_AGE`); the answer comes back to the loop in one piece.
WebSockets (the event hubs) stay on the same loop and port.

It settles what the WSGI interface leaves to the server: a body sent chunked (no
`Content-Length`) is read and handed to Django with its real length, never as empty; a body over
the limit is refused with a JSON 413 before it is read; one that does not arrive in time is a
JSON 408; and a failure outside Django's own handling is the node's JSON 500 (an outage of its
database: the 503 of `api.outages`), never a server's text page. The threads know the event
loop, so sync code that calls `async_to_sync` (publishing on the channel layer) runs its
coroutine on the server's loop.
"""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async

from ..api.exception_handler import error_body, error_status, server_error_body
from .answers import Answer, json_answer

__all__ = ["WsgiBridge", "environ_for"]


class RequestRefused(Exception):
    """The request never reaches Django: the client gets `status` with `message` as a JSON string."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class StreamBroken(Exception):
    """A streamed answer failed after its head was sent: the connection can only be dropped."""


class WsgiBridge:
    """An ASGI app for `http` scopes that runs a WSGI app on at most `threads` threads of its own.

    `max_body` bounds a request body in bytes (None: unbounded); `body_timeout` is how many
    seconds the body may take to arrive after the head.
    """

    def __init__(
        self, wsgi_app: Callable[..., Iterable[bytes]], *, threads: int, max_body: int | None, body_timeout: float
    ) -> None:
        self.wsgi_app = wsgi_app
        self.max_body = max_body
        self.body_timeout = body_timeout
        # threads are made on demand up to `threads` and kept: a request finds a thread, and its
        # database connection, waiting for it
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="http")
        self.run_in_thread = sync_to_async(self.call_wsgi, thread_sensitive=False, executor=self.executor)

    async def __call__(self, scope: dict[str, Any], receive, send) -> None:
        """Serve one HTTP request: read its body here, run Django in a thread, send its answer."""
        try:
            body = await self.read_body(scope, receive)
        except RequestRefused as refused:
            await send_answer(send, json_answer(refused.status, refused.message, close=True))
            return
        try:
            answer = await self.run_in_thread(environ_for(scope, body), send)
        except StreamBroken:
            raise  # uvicorn closes the connection: the client sees a truncated answer, not a wrong one
        except Exception as error:  # outside Django's own handling (which answers its errors itself)
            # a 500; or an outage's 503, e.g. the database failing as Django recycles its connection
            body = error_body(error, scope.get("path", ""))
            code, headers = error_status(body)
            answer = json_answer(code, body, close=True, headers=headers)
        if answer is not None:
            await send_answer(send, answer)

    def close(self) -> None:
        """Let the threads end once their requests are answered (at the server's shutdown)."""
        self.executor.shutdown(wait=False)

    async def read_body(self, scope: dict[str, Any], receive) -> bytes:
        """The whole request body, however framed; RequestRefused when too large, too slow or abandoned."""
        declared = header(scope, b"content-length")
        if declared is not None and declared.isdigit() and self.max_body is not None and int(declared) > self.max_body:
            raise RequestRefused(413, f"Request body too large: the limit is {self.max_body} bytes")
        parts: list[bytes] = []
        size = 0
        more = True
        try:
            async with asyncio.timeout(self.body_timeout):
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise RequestRefused(400, "The client left before sending the whole body")
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if self.max_body is not None and size > self.max_body:
                        raise RequestRefused(413, f"Request body too large: the limit is {self.max_body} bytes")
                    parts.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            raise RequestRefused(408, f"Request body not received within {self.body_timeout:g} s") from None
        return b"".join(parts)

    def call_wsgi(self, environ: dict[str, Any], send) -> Answer | None:
        """In a pool thread: run the WSGI app; answer a whole response, or send a streamed one from here (None)."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None) -> None:
            started[:] = [status, headers]

        result = self.wsgi_app(environ, start_response)
        try:
            status = int(started[0].split(" ", 1)[0])
            headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in started[1]]
            if getattr(result, "streaming", True) is False:  # a Django HttpResponse: its content is in memory
                return status, headers, list(result)
            # a streamed answer (a static file, a generator): each chunk is sent as the app makes it
            push = async_to_sync(send)
            push({"type": "http.response.start", "status": status, "headers": headers})
            try:
                for chunk in result:
                    if chunk:
                        push({"type": "http.response.body", "body": chunk, "more_body": True})
            except Exception as error:
                server_error_body(error, environ["PATH_INFO"])  # logged with its id
                raise StreamBroken(str(error)) from error
            push({"type": "http.response.body", "body": b"", "more_body": False})
            return None
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # Django's request_finished: the thread's database connection is kept or recycled


async def send_answer(send, answer: Answer) -> None:
    """Send a whole answer: its head, then its body in one message."""
    status, headers, chunks = answer
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"".join(chunks)})


def header(scope: dict[str, Any], name: bytes) -> str | None:
    """The first value of the header `name` (lowercase bytes) in `scope`, or None."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def environ_for(scope: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The WSGI environ of an ASGI http `scope` whose `body` has been read (PEP 3333 strings: UTF-8 as latin-1)."""
    root = scope.get("root_path", "")
    path = scope["path"]
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(len(body)),  # the body as read, whatever its framing (chunked included)
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        if "_" in name:
            continue  # as WSGI servers do: `X_Forwarded_For` must not pass for `X-Forwarded-For`
        value = raw_value.decode("latin-1")
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name != "content-length":
            key = "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ
