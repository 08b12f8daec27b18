"""NodeHttpProtocol on a real uvicorn server over loopback: head deadline, socket cap, JSON for bad requests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from distributed_core.serving.protocol import node_http_protocol


async def hello(scope, receive, send) -> None:
    """A tiny ASGI app: 200 `{"ok": true}`."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok": true}'})


@contextlib.contextmanager
def server(header_timeout: float = 0.5, max_connections: int = 100, keepalive: float = 5.0, app=hello) -> Iterator[int]:
    """A uvicorn server with the node's protocol on a free loopback port, in a thread; stopped on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    protocol = node_http_protocol(header_timeout=header_timeout, max_connections=max_connections)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        http=protocol,
        lifespan="off",
        log_level="warning",
        timeout_keep_alive=keepalive,
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield port
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the socket."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def status_and_json(answer: bytes) -> tuple[int, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def test_a_socket_that_never_finishes_its_head_gets_a_408_and_is_closed():
    with server(header_timeout=0.5) as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # ... and never the blank line
        started = time.monotonic()
        status, body = status_and_json(read_all(sock))
        assert status == 408 and body == "Request head not received within 0.5 s"
        assert 0.4 <= time.monotonic() - started < 3


def test_a_silent_socket_is_closed_too():
    with server(header_timeout=0.5) as port, connect(port) as sock:
        assert status_and_json(read_all(sock))[0] == 408


def test_a_slow_head_on_a_kept_alive_connection_times_out_from_its_first_byte():
    with server(header_timeout=0.6) as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b'{"ok": true}' in sock.recv(65536)
        started = time.monotonic()
        sock.sendall(b"GET / HTTP/1.1\r\n")
        for _ in range(5):  # a header every 0.2 s: the keep-alive timer restarts each time, this one does not
            time.sleep(0.2)
            with contextlib.suppress(OSError):
                sock.sendall(b"X-Slow: 1\r\n")
        answer = read_all(sock)
        assert b"408 Request Timeout" in answer and time.monotonic() - started < 3


def test_a_complete_request_is_served_and_kept_alive():
    with server(header_timeout=0.3) as port, connect(port) as sock:
        for _ in range(3):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b"200 OK" in sock.recv(65536)
            time.sleep(0.4)  # idle between requests longer than the head deadline: the keep-alive rules that


def test_a_socket_beyond_the_cap_gets_a_503_and_is_closed():
    with server(max_connections=2) as port, connect(port) as first, connect(port) as second:
        time.sleep(0.1)
        with connect(port) as third:
            status, body = status_and_json(read_all(third))
        assert status == 503 and body == "Too many connections: this server keeps at most 2"
        first.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"200 OK" in first.recv(65536)
        second.close()
        time.sleep(0.1)
        with connect(port) as again:
            again.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b"200 OK" in again.recv(65536)


def test_an_unparsable_request_gets_a_json_400():
    with server() as port, connect(port) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        status, body = status_and_json(read_all(sock))
        assert status == 400 and body == "Invalid HTTP request received."


async def slow(scope, receive, send) -> None:
    """An ASGI app that takes a second to answer."""
    await asyncio.sleep(1.0)
    await hello(scope, receive, send)


def test_a_pipelined_head_is_not_timed_out_while_the_request_before_it_is_answered():
    with server(header_timeout=0.3, app=slow) as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\n")  # the second head stops half-way
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK") and b"408" not in first
        assert b"408 Request Timeout" in read_all(sock)  # once answered, the second head's deadline runs
