"""SignalRConnection without a network: a hub that falls silent ends the connection; error completions are answers."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest

from distributed_core.events.listeners.connection import SignalRConnection

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def connection(server_timeout: float) -> SignalRConnection:
    async def ignore(target, arguments) -> None:
        return None

    return SignalRConnection("http://hub.test/events/note", {}, ignore, server_timeout=server_timeout)


async def test_a_hub_silent_for_the_server_timeout_ends_the_connection():
    opened = connection(server_timeout=1.5)
    opened.task = asyncio.create_task(asyncio.sleep(60))  # pysignalr's run, still going: a half-open socket
    opened.client.last_heard = time.monotonic()
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError, match="nothing from the hub"):
            await asyncio.wait_for(opened.wait_closed(), 10)
    finally:
        await opened.stop()
    assert 1.5 <= time.monotonic() - started < 5


async def test_a_hub_that_keeps_talking_is_not_given_up_on():
    opened = connection(server_timeout=1.5)
    opened.task = asyncio.create_task(asyncio.sleep(60))

    async def keep_alive() -> None:
        while True:
            opened.client.last_heard = time.monotonic()
            await asyncio.sleep(0.2)

    talking = asyncio.create_task(keep_alive())
    waiting = asyncio.create_task(opened.wait_closed())
    try:
        done, _ = await asyncio.wait({waiting}, timeout=3)  # twice the server timeout
        assert not done, "gave up on a hub that kept sending keep-alives"
    finally:
        for task in (talking, waiting):
            task.cancel()
        await asyncio.gather(talking, waiting, return_exceptions=True)
        await opened.stop()


async def test_an_error_completion_reaches_the_invoker_instead_of_breaking_the_connection():
    opened = connection(server_timeout=30)
    results = []

    async def on_result(result, error) -> None:
        results.append((result, error))

    async def send(message) -> None:  # what the transport would put on the wire; nothing here
        return None

    opened.client._transport = SimpleNamespace(send=send)
    await opened.invoke("Sync", [], on_result)
    (invocation_id,) = opened.client._invocation_handlers
    completion = SimpleNamespace(invocation_id=invocation_id, error="Unknown hub method 'Sync'", result=None)
    await opened.client._on_completion_message(completion)
    assert results == [(None, "Unknown hub method 'Sync'")]


async def test_a_close_record_allowing_a_reconnect_ends_the_connection_as_a_restart():
    opened = connection(server_timeout=30)
    opened.task = asyncio.create_task(asyncio.sleep(60))
    try:
        for message in opened.client._protocol.decode('{"type":7,"allowReconnect":true}\x1e'):
            await opened.client._on_message(message)  # as pysignalr's reader hands it over
        opened.closed.set()  # the hub closes the socket after its close record
        assert await asyncio.wait_for(opened.wait_closed(), 5) is True
    finally:
        await opened.stop()


async def test_a_close_record_without_it_is_an_error_and_no_restart():
    from pysignalr.exceptions import ServerError

    opened = connection(server_timeout=30)
    [message] = opened.client._protocol.decode('{"type":7,"error":"Access revoked"}\x1e')
    with pytest.raises(ServerError, match="Access revoked"):
        await opened.client._on_message(message)
    assert opened.client.allows_reconnect is False
