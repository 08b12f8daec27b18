"""Fan-out: a hub's records reach every connection of a process through one channel-layer channel.

A channel per connection costs the channel layer a delivery per connection per event (with Redis,
a wake-up of every connection's receive loop). Instead each process joins the hub's group once
(`HubFanout`, started by the first connection and stopped with the last) and copies each record
into the `Outbox` of every local connection. The same feed sends the keep-alive: a protocol Ping
to every connection, and `Sync {seq, message}` only to connections that invoked `Sync()`, since
browsers of the original clients log a warning for every target they do not handle.

An outbox holds what its connection has yet to be sent and is written by the connection's own
task, several records to a frame when they queue up. One that falls `DD_HUB_MAX_PENDING` records
behind is closed (it may reconnect): a client that stops reading costs bounded memory and never
holds up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from ...conf import dd_settings
from ...metrics import HUB_CONNECTIONS
from ..log import group_name, last_seq
from ..protocol import MessageType, encode, invocation

__all__ = ["HubFanout", "Outbox", "Subscriber", "fanout_for", "fanouts"]

logger = logging.getLogger("distributed_core.events")

KEEPALIVE = encode({"type": MessageType.PING})


class Subscriber(Protocol):
    """A connection as the fan-out sees it."""

    wants_sync: bool  # it invoked Sync(): send it Sync at every keep-alive

    def post(self, record: str) -> None:
        """Queue `record` for this connection, without waiting."""

    def drop(self, reason: str) -> asyncio.Task | None:
        """Close this connection with `reason` (none when empty), allowing it to reconnect; the task saying so."""


class Outbox:
    """What one connection has yet to be sent, written in order by its own task.

    A deque and one future rather than an asyncio.Queue: a broadcast posts to every connection,
    and this costs half as much per post.
    """

    def __init__(self, send: Callable[[str], Awaitable[None]], on_overflow: Callable[[str], None]) -> None:
        self.records: deque[str] = deque()
        self.limit = dd_settings.hub_max_pending
        self.send = send
        self.on_overflow = on_overflow
        self.wakeup: asyncio.Future[None] | None = None
        self.writer: asyncio.Task | None = None

    def start(self) -> None:
        """Start writing (after the handshake's answer, which must come first)."""
        self.writer = asyncio.create_task(self.write())

    def post(self, record: str) -> None:
        """Queue `record`; a full outbox calls `on_overflow` with the reason instead."""
        if len(self.records) >= self.limit:
            self.on_overflow(f"Too slow: {self.limit} records were waiting for this connection")
            return
        self.records.append(record)
        if self.wakeup is not None and not self.wakeup.done():
            self.wakeup.set_result(None)

    async def write(self) -> None:
        """Send what is queued, every record waiting at that moment in one frame."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):  # the connection is gone; its disconnect releases the rest
            while True:
                if not self.records:
                    self.wakeup = loop.create_future()
                    await self.wakeup
                frame = "".join(self.records)
                self.records.clear()
                await self.send(frame)

    def close(self) -> None:
        """Stop writing; what is still queued is dropped with the outbox."""
        if self.writer is not None:
            self.writer.cancel()
        self.records.clear()


class HubFanout:
    """The connections of one hub in this process (its event loop), fed by one channel-layer channel."""

    def __init__(self, hub: str) -> None:
        self.hub = hub
        self.loop = asyncio.get_running_loop()
        self.subscribers: set[Subscriber] = set()
        self.feed: asyncio.Task | None = None
        self.ready: asyncio.Future[None] | None = None

    async def join(self, subscriber: Subscriber) -> None:
        """Add a connection: it gets every record published once this returns."""
        self.subscribers.add(subscriber)
        HUB_CONNECTIONS.labels(self.hub).set(len(self.subscribers))
        if self.feed is None or self.feed.done():
            self.ready = self.loop.create_future()
            self.feed = asyncio.create_task(self.run(self.ready))
        await asyncio.shield(self.ready)  # a joiner cancelled while waiting must not cancel the others' wait

    def leave(self, subscriber: Subscriber) -> None:
        """Remove a connection; the last one out stops the feed."""
        self.subscribers.discard(subscriber)
        HUB_CONNECTIONS.labels(self.hub).set(len(self.subscribers))
        if not self.subscribers and self.feed is not None:
            self.feed.cancel()
            self.feed = None

    def deliver(self, record: str, only: Callable[[Subscriber], bool] | None = None) -> None:
        """Queue `record` for every connection (or those `only` picks)."""
        for subscriber in tuple(self.subscribers):
            if only is None or only(subscriber):
                subscriber.post(record)

    async def run(self, ready: asyncio.Future[None]) -> None:
        """The feed: join the hub's group, then hand each published record to every connection."""
        layer, group, channel = get_channel_layer(), group_name(self.hub), None
        try:
            channel = await layer.new_channel()
            await layer.group_add(group, channel)
            ready.set_result(None)
            keepalive = asyncio.create_task(self.keep_alive(layer, channel))
            try:
                while True:
                    message: dict[str, Any] = await layer.receive(channel)
                    if message.get("type") == "hub.event":
                        self.deliver(message["record"])
            finally:
                keepalive.cancel()
        except Exception as error:  # the channel layer failed: joiners hear it, connections reconnect
            if not ready.done():
                ready.set_exception(error)
                return
            logger.exception("Hub %s: its event feed failed; closing its connections so they reconnect", self.hub)
            for subscriber in tuple(self.subscribers):
                subscriber.drop("The hub lost its event feed: reconnect")
        finally:
            if channel is not None:
                with contextlib.suppress(Exception):
                    await layer.group_discard(group, channel)

    async def keep_alive(self, layer: Any, channel: str) -> None:
        """Every `DD_HUB_KEEPALIVE_INTERVAL` seconds: a protocol Ping to all, `Sync {seq}` to those that asked.

        Sync lets a listener that is behind (an event whose publish was lost when a process died
        between commit and publish) notice it without waiting for the next event.
        """
        while True:
            await asyncio.sleep(dd_settings.hub_keepalive_interval)
            try:
                await layer.group_add(group_name(self.hub), channel)  # renewed before the layer's group expiry
                self.deliver(KEEPALIVE)
                if any(subscriber.wants_sync for subscriber in self.subscribers):
                    seq = await database_sync_to_async(last_seq)(self.hub)
                    sync = encode(invocation("Sync", [{"seq": seq, "message": "Sync"}]))
                    self.deliver(sync, only=lambda subscriber: subscriber.wants_sync)
            except Exception:  # a failed tick (database away): the next one tries again
                logger.exception("Hub %s: keep-alive failed", self.hub)


_fanouts: dict[str, HubFanout] = {}


def fanouts() -> list[HubFanout]:
    """This process's fan-outs of the running event loop, one per hub that has had a connection."""
    loop = asyncio.get_running_loop()
    return [fanout for fanout in _fanouts.values() if fanout.loop is loop]


def fanout_for(hub: str) -> HubFanout:
    """This process's HubFanout of `hub`, for the running event loop (a new loop, as in tests, gets its own)."""
    fanout = _fanouts.get(hub)
    if fanout is None or fanout.loop is not asyncio.get_running_loop():
        fanout = _fanouts[hub] = HubFanout(hub)
    return fanout
