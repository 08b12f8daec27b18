"""The drain's parts in one process: readiness turns 503, every hub connection is told to reconnect, new ones are
refused, and the signal handler drains before it hands over to the server's own."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time

import pytest
from channels.routing import URLRouter
from django.test import RequestFactory
from django.urls import re_path

from distributed_core.events.hubs import EventHubConsumer, HubConnectionCap, shutdown
from distributed_core.serving import drain, health
from distributed_core.testing import WebsocketClient

pytestmark = pytest.mark.django_db(transaction=True)

RS = "\x1e"


@pytest.fixture
def fresh(monkeypatch):
    """A process that is not draining and whose hubs are open, whatever a test does to it."""
    monkeypatch.setattr(drain, "_draining", threading.Event())
    monkeypatch.setattr(shutdown, "_closed", False)


def test_a_draining_process_is_not_ready_whatever_its_checks(fresh):
    assert health.ready(RequestFactory().get("/")).status_code == 200
    drain.start_draining()
    response = health.ready(RequestFactory().get("/"))
    assert response.status_code == 503
    assert json.loads(response.content) == {"node": "node", "ready": False, "checks": {"draining": "stopping"}}
    assert health.health(RequestFactory().get("/")).status_code == 200  # still alive: it is only leaving


def test_closing_the_hubs_tells_each_connection_to_reconnect_then_refuses_new_ones(fresh, settings):
    settings.DD_ALLOW_ANONYMOUS = True
    hub = HubConnectionCap(URLRouter([re_path(r"^events/(?P<hub>[\w-]+)/?$", EventHubConsumer.as_asgi())]))

    async def scenario() -> None:
        clients = [WebsocketClient(hub, "/events/note") for _ in range(2)]
        for client in clients:
            assert await client.connect()
            await client.send_text(json.dumps({"protocol": "json", "version": 1}) + RS)
            assert await client.receive_text() == "{}" + RS
        assert await shutdown.close_hubs() == 2
        for client in clients:
            assert await client.receive_text() == json.dumps({"type": 7, "allowReconnect": True}).replace(" ", "") + RS
            assert (await client.receive_output(5))["type"] == "websocket.close"
        late = WebsocketClient(hub, "/events/note")
        late.scope["extensions"] = {"websocket.http.response": {}}
        await late.send_input({"type": "websocket.connect"})
        refused = await late.receive_output(5)
        assert refused["type"] == "websocket.http.response.start" and refused["status"] == 503
        assert json.loads((await late.receive_output(5))["body"]) == "This node is restarting: reconnect"

    asyncio.run(scenario())


def test_the_first_signal_drains_then_calls_the_servers_handler_a_second_one_at_once(fresh, settings):
    settings.DD_DRAIN_SECONDS = 0.3
    stops: list[tuple[int, float]] = []

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: stops.append((signum, loop.time())))
        previous_int = signal.getsignal(signal.SIGINT)
        try:
            assert drain.drain_on_signals()
            started = loop.time()
            signal.raise_signal(signal.SIGTERM)
            assert drain.is_draining() and not stops  # not ready at once; the server's stop waits for the drain
            while not stops:
                await asyncio.sleep(0.02)
            assert stops[0][0] == signal.SIGTERM and stops[0][1] - started >= 0.3
            signal.raise_signal(signal.SIGTERM)  # a second one: the server's own handler, at once
            assert len(stops) == 2
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)

    asyncio.run(scenario())


def test_a_worker_without_our_loop_drains_then_gets_its_own_sigterm_handler_on_the_main_thread(fresh):
    calls: list[tuple[int, bool]] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: calls.append((signum, is_main())))
    try:
        assert drain.drain_worker_on_sigterm(wait=0.2)
        signal.raise_signal(signal.SIGTERM)
        assert drain.is_draining() and calls == []  # not ready at once; the worker keeps serving
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)  # the timer's SIGTERM interrupts this sleep and runs the handler here
        assert calls == [(signal.SIGTERM, True)]
    finally:
        signal.signal(signal.SIGTERM, previous)


def is_main() -> bool:
    return threading.current_thread() is threading.main_thread()
