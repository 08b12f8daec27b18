"""GatewayClient's bounds: a remote node that hangs or trickles can hold neither a thread for long nor all of them."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from distributed_core.api.routes import Returns, route
from distributed_core.exceptions import GatewayUnavailable
from distributed_core.gateway import client as gateway_client
from distributed_core.gateway.client import GatewayClient

PING = route.get("ping", returns=Returns.ENTITY)


@pytest.fixture(autouse=True)
def fresh_slots(monkeypatch):
    """Each test counts its own calls in flight (the slots are per process, made at first use)."""
    monkeypatch.setattr(gateway_client, "_slots", {})


class HangingSession:
    """A requests session whose calls wait until released: a remote node that hangs."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.waiting = threading.Semaphore(0)

    def request(self, *args, **kwargs):
        self.waiting.release()
        self.released.wait(10)
        raise gateway_client.requests.ConnectionError("released")


def test_calls_beyond_the_cap_are_refused_at_once_and_the_cap_frees_again(settings):
    settings.DD_GATEWAY_MAX_CALLS = 2
    session = HangingSession()
    client = GatewayClient("http://127.0.0.1:9/gateway", session=session)
    with ThreadPoolExecutor(2) as pool:
        hanging = [pool.submit(client.call, PING) for _ in range(2)]
        for _ in range(2):
            assert session.waiting.acquire(timeout=5)  # both calls hold their slot
        started = time.monotonic()
        with pytest.raises(GatewayUnavailable, match="busy"):
            client.call(PING)
        assert time.monotonic() - started < 0.5  # refused, not queued behind the hanging ones
        session.released.set()
        for call in hanging:
            with pytest.raises(GatewayUnavailable, match="cannot be reached"):
                call.result(timeout=5)
    with pytest.raises(GatewayUnavailable, match="cannot be reached"):  # a slot again: the call is made
        client.call(PING)


def test_an_answer_that_trickles_in_is_cut_at_connect_plus_read_seconds():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            while not stop.is_set():  # a byte every 0.1 s: each read is in time, the answer never is
                try:
                    connection.sendall(b" ")
                except OSError:
                    return
                stop.wait(0.1)

    server = threading.Thread(target=trickle, daemon=True)
    server.start()
    try:
        client = GatewayClient(f"http://127.0.0.1:{port}/gateway", timeout=(0.5, 0.5))
        started = time.monotonic()
        with pytest.raises(GatewayUnavailable, match="cannot be reached"):
            client.call(PING)
        assert time.monotonic() - started < 3  # 1 s allowed; the trickle alone would last 100 s
    finally:
        stop.set()
        listener.close()
        server.join(5)
