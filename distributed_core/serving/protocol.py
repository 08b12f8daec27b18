"""The node's HTTP protocol: uvicorn's httptools protocol with a deadline on request heads and a cap on sockets.

uvicorn closes an idle keep-alive connection, but a client that connects and never finishes
its request line and headers (slow-loris) keeps its socket for as long as it likes. Here a
request's head must be complete within `header_timeout` seconds of the connection opening, or
of the request's first byte on a kept-alive connection; otherwise the client gets a JSON 408
and the socket is closed. A server process keeps at most `max_connections` sockets (HTTP and
WebSocket alike); one more is answered a JSON 503 and closed at once. An unparsable request
is a JSON 400 rather than uvicorn's text.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .answers import json_answer_bytes

__all__ = ["NodeHttpProtocol", "node_http_protocol"]

logger = logging.getLogger("distributed_core")


class NodeHttpProtocol(HttpToolsProtocol):
    """One HTTP connection, as uvicorn's httptools protocol serves it, with a head deadline and a socket cap."""

    def __init__(self, *args: Any, header_timeout: float, max_connections: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Refuse the socket beyond `max_connections`; otherwise start the clock on its first request's head."""
        if len(self.connections) >= self.max_connections:
            self.refused = True
            self.transport = transport
            message = f"Too many connections: this server keeps at most {self.max_connections}"
            transport.write(json_answer_bytes(503, message))
            transport.close()
            logger.warning("Refused a connection: %d are open, the limit", len(self.connections))
            return
        super().connection_made(transport)
        self.start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the socket (nothing to do for one refused at once)."""
        self.stop_head_timer()
        if not self.refused:
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Ignore what a refused socket still sends."""
        if not self.refused:
            super().data_received(data)

    def on_message_begin(self) -> None:
        """A request starts on a kept-alive connection: its head must arrive within the deadline too."""
        super().on_message_begin()
        if self.head_timer is None:
            self.start_head_timer()

    def on_headers_complete(self) -> None:
        """The head is complete: no deadline any more (the body has its own, see WsgiBridge)."""
        self.stop_head_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        """Answer an unparsable request with a JSON 400 and close."""
        self.transport.write(json_answer_bytes(400, msg))
        self.transport.close()

    def start_head_timer(self) -> None:
        """Give the client `header_timeout` seconds from now to complete a request's head."""
        self.head_timer = self.loop.call_later(self.header_timeout, self.head_timed_out)

    def stop_head_timer(self) -> None:
        """The head is in (or the socket gone): no deadline."""
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_timed_out(self) -> None:
        """The head did not arrive in time: a 408 and the socket is closed."""
        self.head_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            # a pipelined head waits behind a request still being answered: the client waits on
            # us, not we on it, and a 408 now would break the answer on its way
            self.start_head_timer()
            return
        if self.transport is not None and not self.transport.is_closing():
            message = f"Request head not received within {self.header_timeout:g} s"
            self.transport.write(json_answer_bytes(408, message))
            self.transport.close()


def node_http_protocol(*, header_timeout: float, max_connections: int) -> functools.partial:
    """The protocol factory for uvicorn's `http=` option (a partial: it pickles into every worker process)."""
    return functools.partial(NodeHttpProtocol, header_timeout=header_timeout, max_connections=max_connections)
