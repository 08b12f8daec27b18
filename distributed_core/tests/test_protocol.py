"""NodeHttpProtocol on a real uvicorn server over loopback: head deadline and size, socket cap, JSON errors."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import select
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

from distributed_core.serving.protocol import MAX_HEAD, node_http_protocol


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


def head_of(size: int, method: bytes = b"GET", path: bytes = b"/") -> bytes:
    """A request head of exactly `size` bytes (blank line included), padded by one header."""
    start = method + b" " + path + b" HTTP/1.1\r\nHost: x\r\nX-Pad: "
    return start + b"a" * (size - len(start) - 4) + b"\r\n\r\n"


def test_a_head_of_16_kib_is_served_and_one_byte_more_is_a_431():
    with server() as port:
        with connect(port) as sock:
            sock.sendall(head_of(MAX_HEAD))
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
        with connect(port) as sock:
            sock.sendall(head_of(MAX_HEAD + 1))
            status, body = status_and_json(read_all(sock))
            assert status == 431 and body == "Request head too large: the limit is 16384 bytes"


def test_a_long_url_counts_as_much_as_a_long_header():
    with server() as port, connect(port) as sock:
        sock.sendall(b"GET /" + b"a" * MAX_HEAD + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status_and_json(read_all(sock))[0] == 431


def test_a_head_that_never_ends_is_refused_once_16_kib_of_it_arrived_a_little_at_a_time():
    with server(header_timeout=30) as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        sent = 0
        while sent < 1024 * 1024:  # a header line of a kilobyte at a time, until the server answers
            sock.sendall(b"X-Many: " + b"b" * 1000 + b"\r\n")
            sent += 1010
            if select.select([sock], [], [], 0.05)[0]:
                break
        assert status_and_json(read_all(sock))[0] == 431
        assert MAX_HEAD < sent < MAX_HEAD + 4 * 1010, f"answered after {sent} bytes"


def test_a_huge_head_on_a_kept_alive_connection_is_refused_after_its_answered_request():
    with server() as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
        sock.sendall(head_of(MAX_HEAD + 100))
        assert status_and_json(read_all(sock))[0] == 431


def test_a_huge_head_pipelined_behind_a_request_is_answered_after_it():
    with server(app=slow) as port, connect(port) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + head_of(MAX_HEAD + 100)[:-4])  # still coming
        answers = read_all(sock)
        first, _, rest = answers.partition(b'{"ok": true}\r\n0\r\n\r\n')  # the first, chunked, ends
        assert first.startswith(b"HTTP/1.1 200 OK") and status_and_json(rest)[0] == 431


def test_pipelined_heads_under_the_limit_are_each_served():
    with server() as port, connect(port) as sock:
        sock.sendall(head_of(10_000) + head_of(10_000))  # 20,000 bytes in one read: two heads, each under it
        answers = b""
        while answers.count(b"200 OK") < 2:
            answers += sock.recv(65536)
        assert b"431" not in answers


def test_four_sockets_sending_8_mb_heads_cost_the_server_no_more_than_a_read_each():
    head = memoryview(b"GET / HTTP/1.1\r\nX-Big: " + b"c" * (8 * 1024 * 1024))  # one buffer, sent by all four
    with server(header_timeout=30) as port:
        gc.collect()
        before = rss()
        outcomes: list[bytes] = []

        def send_one() -> None:
            with connect(port) as sock:
                with contextlib.suppress(OSError):  # reset once the server has refused and closed
                    sock.sendall(head)
                with contextlib.suppress(OSError):
                    outcomes.append(read_all(sock))

        senders = [threading.Thread(target=send_one) for _ in range(4)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=30)
        grown = rss() - before
    assert all(not sender.is_alive() for sender in senders), "a socket was kept open"
    assert all(outcome == b"" or outcome.startswith(b"HTTP/1.1 431 ") for outcome in outcomes)
    # httptools gathers an unfinished header line in memory: without the limit, 4 x 8 MB and their copies
    assert grown < 8 * 1024 * 1024, f"the server grew by {grown / 2**20:.1f} MB"


def rss() -> int:
    """This process's resident memory in bytes (the server runs in a thread of it)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
