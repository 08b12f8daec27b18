"""An in-memory hub and the `HubConnection`s a listener opens to it: the listener's logic without a network.

The hub keeps a log of events and answers `Replay(since)` and `Sync()` as the real hub does:
a connection's records reach the listener in order, from a task of their own (as a socket's
reader would), so a Replay's completion comes after the events it replayed. A test appends
events (published live to open connections, or not: a lost publish), duplicates or reorders
deliveries, prunes the log, drops connections and refuses new ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

Record = Callable[[], Awaitable[None]]


class FakeHub:
    """A hub's log and its open connections; `connect` is the listener's ConnectionFactory."""

    def __init__(self, answers_sync: bool = True) -> None:
        self.log: dict[int, tuple[str, dict[str, Any]]] = {}
        self.last_seq = 0
        self.answers_sync = answers_sync
        self.refusals = 0  # how many connection attempts to refuse from now on
        self.attempts: list[float] = []  # when each connection attempt was made (monotonic)
        self.connections: list[FakeConnection] = []
        self.invocations: list[tuple[str, list[Any], dict[str, str]]] = []  # (method, arguments, headers)

    def connect(self, url: str, headers: dict[str, str], on_invocation) -> FakeConnection:
        """What the listener calls to open a connection (its `connect` argument)."""
        return FakeConnection(self, headers, on_invocation)

    @property
    def live(self) -> list[FakeConnection]:
        """The connections that are open now."""
        return [connection for connection in self.connections if connection.open]

    def add(self, data: dict[str, Any] | None = None, target: str = "OnAdd", publish: bool = True) -> dict[str, Any]:
        """Log an event with the next seq; publish it to every open connection unless `publish` is False."""
        self.last_seq += 1
        event = {"id": 100 + self.last_seq, "seq": self.last_seq, "data": data or {}, "message": ""}
        self.log[self.last_seq] = (target, event)
        if publish:
            for connection in self.live:
                connection.send_invocation(target, event)
        return event

    def deliver(self, seq: int) -> None:
        """Send a logged event to every open connection again (a duplicate, or out of order)."""
        target, event = self.log[seq]
        for connection in self.live:
            connection.send_invocation(target, event)

    def sync(self) -> None:
        """The keep-alive `Sync {seq}` to every open connection."""
        for connection in self.live:
            connection.send_invocation("Sync", {"seq": self.last_seq, "message": "Sync"})

    def prune(self, through: int) -> None:
        """Delete the logged events up to seq `through` (as `prune_events --force` would)."""
        self.log = {seq: entry for seq, entry in self.log.items() if seq > through}

    def count(self, method: str) -> int:
        """How many times a hub method was invoked, over every connection."""
        return sum(1 for name, _, _ in self.invocations if name == method)


class FakeConnection:
    """One connection to a FakeHub: records go out in order through a pump task, like a socket."""

    def __init__(self, hub: FakeHub, headers: dict[str, str], on_invocation) -> None:
        self.hub = hub
        self.headers = headers
        self.on_invocation = on_invocation
        self.open = False
        self.outgoing: asyncio.Queue[Record] = asyncio.Queue()
        self.closed = asyncio.Event()
        self.allows_reconnect = False
        self.pump: asyncio.Task | None = None

    async def start(self) -> None:
        """Open, unless the hub is refusing connections."""
        self.hub.attempts.append(time.monotonic())
        if self.hub.refusals > 0:
            self.hub.refusals -= 1
            raise ConnectionRefusedError("the fake hub refuses this connection")
        self.open = True
        self.hub.connections.append(self)
        self.pump = asyncio.create_task(self._pump())

    async def invoke(self, method: str, arguments: list[Any], on_result) -> None:
        """Answer Replay and Sync like the real hub; anything else with an error completion."""
        self.hub.invocations.append((method, list(arguments), dict(self.headers)))
        if method == "Replay":
            since = arguments[0]
            last = since
            for seq in sorted(self.hub.log):
                if seq > since:
                    self.send_invocation(*self.hub.log[seq])
                    last = seq
            self.send(lambda: on_result(last, None))
        elif method == "Sync" and self.hub.answers_sync:
            last = self.hub.last_seq
            self.send(lambda: on_result(last, None))
        else:
            self.send(lambda: on_result(None, f"Unknown hub method '{method}'"))

    def send_invocation(self, target: str, argument: dict[str, Any]) -> None:
        """Queue an invocation record for the listener."""
        self.send(lambda: self.on_invocation(target, [argument]))

    def send(self, record: Record) -> None:
        """Queue a record; the pump hands records over one by one, in order."""
        if self.open:
            self.outgoing.put_nowait(record)

    def drop(self) -> None:
        """The hub ends this connection (what a network failure looks like to the listener)."""
        self.open = False
        self.closed.set()

    def restart(self) -> None:
        """The hub closes this connection allowing a reconnect (its close record), as a restarting hub does."""
        self.allows_reconnect = True
        self.drop()

    async def wait_closed(self) -> bool:
        """Wait until the connection is dropped or stopped; True when it was closed allowing a reconnect."""
        await self.closed.wait()
        if self.allows_reconnect:
            return True
        raise ConnectionResetError("the fake hub dropped the connection")

    async def stop(self) -> None:
        """Close and stop the pump."""
        self.open = False
        self.closed.set()
        if self.pump is not None:
            self.pump.cancel()
            await asyncio.gather(self.pump, return_exceptions=True)

    async def _pump(self) -> None:
        while True:
            record = await self.outgoing.get()
            await record()
