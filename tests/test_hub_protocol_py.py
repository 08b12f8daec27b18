"""The pysignalr client against a real proposals node: with and without negotiation, events, and the
completion errors of bad invocations."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pysignalr.client import SignalRClient
from pysignalr.messages import CompletionMessage

from .test_cross_node_http import create_proposal

TIMEOUT = 15.0


class Session:
    """One pysignalr connection run as a task of the test's event loop; cancelled on exit."""

    def __init__(self, url: str, skip_negotiation: bool = False) -> None:
        self.client = SignalRClient(url)
        # SignalRClient (pysignalr 1.3.3) does not take skip_negotiation; its transport does.
        self.client._transport._skip_negotiation = skip_negotiation
        self.opened = asyncio.Event()
        self.events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.errors: list[CompletionMessage] = []
        self.client.on_open(self._opened)
        self.client.on_error(self._error)  # without it pysignalr raises on an error completion
        for target in ("OnAdd", "Ping"):
            self.client.on(target, self._collector(target))
        self.task: asyncio.Task | None = None

    async def _opened(self) -> None:
        self.opened.set()

    async def _error(self, message: CompletionMessage) -> None:
        self.errors.append(message)

    def _collector(self, target: str):
        async def collect(arguments: list[Any]) -> None:
            await self.events.put((target, arguments[0] if arguments else None))

        return collect

    @property
    def connection_url(self) -> str:
        return self.client._transport._url  # negotiation adds ?id=<connectionId>

    async def __aenter__(self) -> Session:
        self.task = asyncio.create_task(self.client.run())
        opened = asyncio.create_task(self.opened.wait())
        await asyncio.wait({self.task, opened}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        opened.cancel()
        if self.task.done():
            self.task.result()  # raises what stopped the client
        if not self.opened.is_set():
            await self.__aexit__()
            raise AssertionError(f"no connection to {self.client._url} within {TIMEOUT}s")
        return self

    async def __aexit__(self, *exc) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)

    async def next_event(self, target: str) -> Any:
        async def wait() -> Any:
            while True:
                received, argument = await self.events.get()
                if received == target:
                    return argument

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def invoke(self, method: str, arguments: list[Any]) -> CompletionMessage:
        completed: asyncio.Future[CompletionMessage] = asyncio.get_running_loop().create_future()

        async def done(message: CompletionMessage) -> None:
            completed.set_result(message)

        await self.client.send(method, arguments, on_invocation=done)
        return await asyncio.wait_for(completed, TIMEOUT)


@pytest.fixture(scope="module")
def hub_url(suite) -> str:
    return f"{suite.proposals.url.replace('http', 'ws')}/events/proposal"


@pytest.mark.parametrize("skip_negotiation", [False, True], ids=["negotiated", "skip-negotiation"])
def test_receives_on_add(proposals, hub_url, skip_negotiation):
    async def scenario() -> None:
        async with Session(hub_url, skip_negotiation) as session:
            assert ("id=" in session.connection_url) is not skip_negotiation
            proposal = await asyncio.to_thread(create_proposal, proposals, "pysignalr")
            added = await session.next_event("OnAdd")
            assert added["id"] == proposal["id"] and added["data"]["title"] == "pysignalr"

    asyncio.run(scenario())


def test_ping_completes_and_broadcasts(hub_url):
    async def scenario() -> None:
        async with Session(hub_url) as session:
            completion = await session.invoke("Ping", [])
            assert completion.error is None and completion.result is None
            assert await session.next_event("Ping") == {"message": "Ping"}

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "since", ["0", -1, None, True, 1.5, 2**63], ids=["string", "negative", "null", "bool", "float", "beyond-bigint"]
)
def test_replay_with_a_bad_since_completes_with_an_error(hub_url, since):
    async def scenario() -> None:
        async with Session(hub_url) as session:
            completion = await session.invoke("Replay", [since])
            assert completion.error and "Replay" in completion.error and completion.result is None
            assert session.errors == [completion]
            assert (await session.invoke("Replay", [0])).error is None  # the connection is still usable

    asyncio.run(scenario())


def test_an_unknown_method_completes_with_an_error(hub_url):
    async def scenario() -> None:
        async with Session(hub_url) as session:
            completion = await session.invoke("Explode", [1])
            assert completion.error == "Unknown hub method 'Explode'"
            assert (await session.invoke("Ping", [])).error is None

    asyncio.run(scenario())
