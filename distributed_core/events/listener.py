"""EventListener: follows a remote node's hub and hands each event to a Saga, exactly once.

On every (re)connect it first asks the hub to `Replay` everything after its cursor, then
keeps applying live events; the hub's periodic `Sync {seq}` showing a seq past the cursor
(a publish lost in a crash) triggers the same replay. `apply_event` runs the saga and advances the cursor in one
transaction of this node's database: an event at or below the cursor is a duplicate and
changes nothing; one beyond cursor + 1 reveals a gap and triggers another replay. The
connection itself is pysignalr's; this class adds the cursor, the replay and a reconnect
loop with capped exponential backoff (pysignalr's own retries stop after a fixed count).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import Enum
from typing import Any

from channels.db import database_sync_to_async
from django.db import transaction
from django.utils import timezone
from pysignalr.client import SignalRClient

from ..models import ListenerCursor
from ..sagas import EntitySaga

__all__ = ["EventListener", "Outcome", "apply_event"]

logger = logging.getLogger("distributed_core.events")


class ListenerClient(SignalRClient):
    """pysignalr's client, handing every invocation to one callback, whatever its target.

    pysignalr dispatches invocations by target name only; a listener must see each event of
    the hub (a target its saga ignores included) to advance its cursor without a gap.
    """

    def __init__(self, *args: Any, on_invocation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_any_invocation = on_invocation

    async def _on_invocation_message(self, message: Any) -> None:
        await self._on_any_invocation(message.target, message.arguments)


class Outcome(str, Enum):
    """What `apply_event` did with an event: applied it, skipped a duplicate, or found a gap."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    GAP = "gap"


def apply_event(source: str, target: str, event: dict[str, Any], saga: EntitySaga) -> Outcome:
    """Apply `event` through `saga` and advance the cursor of `source`, in one transaction."""
    seq = event["seq"]
    with transaction.atomic():
        cursor, _ = ListenerCursor.objects.get_or_create(source=source)
        cursor = ListenerCursor.objects.select_for_update().get(pk=cursor.pk)
        if seq <= cursor.seq:
            return Outcome.DUPLICATE
        if seq > cursor.seq + 1:
            return Outcome.GAP
        saga.handle(target, event)
        cursor.seq = seq
        cursor.last_event_at = timezone.now()
        cursor.save(update_fields=["seq", "last_event_at", "date_modified"])
    return Outcome.APPLIED


def read_cursor(source: str) -> int:
    """The last seq applied from `source` (0 before the first event)."""
    cursor = ListenerCursor.objects.filter(source=source).first()
    return cursor.seq if cursor else 0


def save_state(source: str, connected: bool, error: str = "") -> None:
    """Record whether `source`'s listener is connected, and its error (connecting clears it)."""
    cursor, _ = ListenerCursor.objects.get_or_create(source=source)
    cursor.connected = connected
    if error or connected:
        cursor.last_error = error
    cursor.save(update_fields=["connected", "last_error", "date_modified"])


class EventListener:
    """Subscribes to `url` (a remote hub) and feeds `saga`; run it with `await listener.run()`."""

    def __init__(
        self,
        source: str,
        url: str,
        saga: EntitySaga,
        token: str = "",
        initial_backoff: float = 0.2,
        max_backoff: float = 5.0,
    ) -> None:
        self.source = source
        self.url = url
        self.saga = saga
        self.token = token
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.client: SignalRClient | None = None
        self.replaying = False

    async def run(self) -> None:
        """Connect, replay, follow; reconnect with backoff whenever the connection ends. Never returns."""
        delay = self.initial_backoff
        while True:
            error = ""
            try:
                connected = await self.connect_once()
                if connected:
                    delay = self.initial_backoff
            except asyncio.CancelledError:
                with contextlib.suppress(Exception):
                    await database_sync_to_async(save_state)(self.source, False, "listener stopped")
                raise
            except Exception as exc:  # any failure of one connection: note it, back off, retry
                error = f"{type(exc).__name__}: {exc}"
                logger.info("Listener %s: %s", self.source, error)
            await database_sync_to_async(save_state)(self.source, False, error or "disconnected")
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)

    async def connect_once(self) -> bool:
        """One connection's life; returns whether it got connected before it ended."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        client = ListenerClient(self.url, headers=headers, connection_timeout=5, on_invocation=self.on_event)
        self.client, self.replaying = client, False
        opened, closed = asyncio.Event(), asyncio.Event()

        async def on_open() -> None:
            opened.set()
            await database_sync_to_async(save_state)(self.source, True)
            await client.send("Sync", [])  # ask the hub for Sync {seq} at every keep-alive (lost publishes)
            await self.request_replay()

        async def on_close() -> None:
            closed.set()

        client.on_open(on_open)
        client.on_close(on_close)
        running = asyncio.create_task(client.run())
        waiting = asyncio.create_task(closed.wait())
        try:
            done, _ = await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
            if running in done:
                running.result()  # raises what ended the connection
        finally:
            for task in (running, waiting):
                task.cancel()
            await asyncio.gather(running, waiting, return_exceptions=True)
            self.client = None
        return opened.is_set()

    async def on_event(self, target: str, arguments: list[Any]) -> None:
        """Apply a logged event through the saga, replaying on a gap or a Sync ahead of the cursor."""
        event = arguments[0] if arguments else None
        if not isinstance(event, dict) or isinstance(event.get("seq"), bool) or not isinstance(event.get("seq"), int):
            return  # Ping carries no logged event
        if target == "Sync":  # the hub's last seq: behind it means a publish was lost
            if event["seq"] > await database_sync_to_async(read_cursor)(self.source) and not self.replaying:
                logger.info("Listener %s: behind the hub's seq %s, replaying", self.source, event["seq"])
                await self.request_replay()
            return
        outcome = await database_sync_to_async(apply_event)(self.source, target, event, self.saga)
        if outcome is Outcome.GAP and not self.replaying:
            logger.info("Listener %s: gap before seq %s, replaying", self.source, event["seq"])
            await self.request_replay()

    async def request_replay(self) -> None:
        """Ask the hub to `Replay` every event after this node's cursor (when connected)."""
        client = self.client
        if client is None:
            return
        self.replaying = True
        since = await database_sync_to_async(read_cursor)(self.source)
        await client.send("Replay", [since], on_invocation=self.on_replayed)

    async def on_replayed(self, completion: Any) -> None:
        """The Replay's completion: the replay is over; a failure becomes the last error."""
        self.replaying = False
        error = getattr(completion, "error", None)
        if error:
            await database_sync_to_async(save_state)(self.source, True, f"Replay failed: {error}")
