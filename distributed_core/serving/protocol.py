"""The node's HTTP protocol: uvicorn's httptools protocol with limits on request heads and a cap on sockets.

uvicorn closes an idle keep-alive connection, but a client that connects and never finishes
its request line and headers (slow-loris) keeps its socket for as long as it likes. Here a
request's head must be complete within `header_timeout` seconds of the connection opening, or
of the request's first byte on a kept-alive connection; otherwise the client gets a JSON 408
and the socket is closed. Nor does httptools bound a head's size: it gathers a header line in
memory however long it grows. Here a head (request line and headers, up to the blank line) of
more than `max_head` bytes (16 KiB, like Node's and nginx's default budgets) is answered a JSON
431 and the socket is closed, as soon as that many bytes of it have arrived: a head in progress
is counted read by read, one that arrived whole is measured when it is parsed. A server process
keeps at most `max_connections` sockets (HTTP and WebSocket alike); one more is answered a JSON
503 and closed at once. An unparsable request is a JSON 400 rather than uvicorn's text.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .answers import json_answer_bytes

__all__ = ["MAX_HEAD", "NodeHttpProtocol", "node_http_protocol"]

logger = logging.getLogger("distributed_core")

MAX_HEAD = 16 * 1024  # bytes of a request's line and headers, blank line included
HEAD_END = b"\r\n\r\n"


class NodeHttpProtocol(HttpToolsProtocol):
    """One HTTP connection, as uvicorn's httptools protocol serves it, with a head deadline and a socket cap."""

    def __init__(
        self, *args: Any, header_timeout: float, max_connections: int, max_head: int = MAX_HEAD, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.max_head = max_head
        self.head_timer: asyncio.TimerHandle | None = None
        self.refused = False  # answered and closing: what the socket still sends is ignored
        self.capped = False  # refused at once, beyond `max_connections` (never a connection of uvicorn's)
        self.head_refusal_pending = False  # a head over the limit waits for the answers before it to be sent
        self.in_head = False  # a request's head has begun (its first byte parsed) and is not complete
        self.head_began = False  # ...and it began in the read being parsed
        self.head_received = 0  # bytes of that head received in earlier reads (the current read's are added after)
        self.head_parsed = 0  # bytes of that head's URL and header lines, as parsed

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Refuse the socket beyond `max_connections`; otherwise start the clock on its first request's head."""
        if len(self.connections) >= self.max_connections:
            self.refused = self.capped = True
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
        if not self.capped:
            super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """Parse what arrived; refuse a head still incomplete beyond `max_head` bytes. Ignore a refused socket."""
        if self.refused:
            return
        self.head_began = False
        super().data_received(data)
        if self.in_head and not self.refused:
            if self.head_began:
                # it began in this read: after the end of the last head in it (an upper bound only when
                # it was pipelined behind a body, whose tail is counted too)
                end = data.rfind(HEAD_END)
                self.head_received = len(data) - (end + len(HEAD_END) if end >= 0 else 0)
            else:
                self.head_received += len(data)
            if self.head_received > self.max_head:
                self.refuse_head()

    def on_message_begin(self) -> None:
        """A request starts: count its head; on a kept-alive connection its head must arrive within the deadline too."""
        super().on_message_begin()
        self.in_head, self.head_began, self.head_parsed = True, True, 0
        if self.head_timer is None:
            self.start_head_timer()

    def on_url(self, url: bytes) -> None:
        """Count the URL (httptools hands it over in pieces as they arrive)."""
        if not self.refused:
            self.head_parsed += len(url)
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Count a header line as sent: `name: value` and its CRLF (whitespace around the value aside)."""
        if not self.refused:
            self.head_parsed += len(name) + len(value) + 4
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is complete: refuse it over `max_head` bytes, else no deadline any more (the body has its own)."""
        if self.refused:
            return  # the rest of a read after a refusal is parsed, and goes nowhere
        self.in_head = False
        self.stop_head_timer()
        # the request line is `METHOD URL HTTP/1.1` and its CRLF; the blank line ends the head
        version = len("HTTP/") + len(self.parser.get_http_version())
        size = len(self.parser.get_method()) + 1 + self.head_parsed + 1 + version + 2 + 2
        if size > self.max_head:
            self.refuse_head()
            return
        super().on_headers_complete()

    def handle_websocket_upgrade(self) -> None:
        """Upgrade to a WebSocket, unless the request was refused."""
        if not self.refused:
            super().handle_websocket_upgrade()

    def on_body(self, body: bytes) -> None:
        """Pass a body on, unless its request was refused."""
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        """End a request, unless it was refused."""
        if not self.refused:
            super().on_message_complete()

    def refuse_head(self) -> None:
        """Stop reading the head over the limit: 431 and close, once any answer in flight is sent."""
        self.refused = True
        self.in_head = False
        self.stop_head_timer()
        logger.warning("Refused a request head over %d bytes from %s", self.max_head, self.client)
        if self.answering():  # pipelined behind requests: their answers go first, whole
            self.head_refusal_pending = True
        else:
            self.answer_head_too_large()

    def on_response_complete(self) -> None:
        """Start the next pipelined request, or answer the head that was refused behind them."""
        super().on_response_complete()
        if self.head_refusal_pending and not self.answering() and not self.transport.is_closing():
            self.answer_head_too_large()

    def answering(self) -> bool:
        """Whether a request of this connection is being answered or waits to be (pipelined)."""
        return bool(self.pipeline) or (self.cycle is not None and not self.cycle.response_complete)

    def answer_head_too_large(self) -> None:
        """The JSON 431, and close."""
        self.head_refusal_pending = False
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
        self.transport.write(json_answer_bytes(431, f"Request head too large: the limit is {self.max_head} bytes"))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """Answer an unparsable request with a JSON 400 and close (a head refused as too large has had its 431)."""
        if self.refused:
            return
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


def node_http_protocol(*, header_timeout: float, max_connections: int, max_head: int = MAX_HEAD) -> functools.partial:
    """The protocol factory for uvicorn's `http=` option (a partial: it pickles into every worker process)."""
    return functools.partial(
        NodeHttpProtocol, header_timeout=header_timeout, max_connections=max_connections, max_head=max_head
    )
