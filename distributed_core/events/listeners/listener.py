"""EventListener: follows a remote node's hub and hands each event to a Saga, exactly once, in batches.

On every (re)connect it invokes `Sync()` (the hub then sends `Sync {seq}` with each keep-alive;
the completion carries the hub's last seq) and `Replay(cursor)`, then keeps applying live
events. Whatever arrives goes into one queue, in the order the hub sent it; a single task
takes from it everything that is there (up to `DD_LISTENER_BATCH_SIZE`) and applies it in one
transaction (`apply_batch`), so a replay's pages, and live events that come faster than one
transaction each, cost one commit per batch while each event still counts exactly once.

    seq <= cursor          a duplicate: nothing happens
    seq == cursor + 1      applied by the saga; the cursor moves with it
    seq >  cursor + 1      a gap: held back, and a Replay fills it in
    Sync {seq} > cursor    a lost publish: Replay
    saga raises            that event's effects roll back; it is retried after a pause that
                           doubles each time; after DD_LISTENER_MAX_ATTEMPTS tries it is parked
                           (a DeadLetter) and the cursor moves on
    Replay ends short      the hub's log no longer has the events after the cursor (pruned):
                           the listener says "needs resync" and stops asking, until an operator
                           resyncs (`manage.py events resync`)

The database work runs on a thread of the listener's own, so it neither waits behind the
node's HTTP requests nor holds them up. The connection is a `HubConnection` (pysignalr's in
production, a fake in tests); a lost connection is reopened with capped exponential backoff, one
the hub closed allowing a reconnect (it is restarting) at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connection as database

from ...conf import dd_settings
from ...sagas import EntitySaga
from .apply import Outcome, apply_batch, apply_event
from .connection import ConnectionFactory, HubConnection, SignalRConnection
from .cursor import mark_needs_resync, read_cursor, save_hub_seq, save_state

__all__ = ["LISTENER_HEADER", "EventListener", "Outcome", "apply_event"]

logger = logging.getLogger("distributed_core.events")

LISTENER_HEADER = "X-DD-Listener"
"""The header naming a listener to the hub, for a node that runs open (with credentials, the credential names it)."""

MAX_RETRY_DELAY = 60.0  # seconds: the longest pause before retrying a failing event

T = TypeVar("T")
Delivery = tuple[str, dict[str, Any]]  # (target, argument) of one logged event


class EventListener:
    """Subscribes to `url` (a remote hub) and feeds `saga`; run it with `await listener.run()`.

    `source` names the hub in this node's database ("<node>/<hub>"), `token` is the service
    credential to present, `name` is this node's name (sent to an open hub in `X-DD-Listener`,
    so the hub knows how far this listener got). The batch size, the tries before parking and
    the first retry pause default to the `DD_LISTENER_*` settings.
    """

    def __init__(
        self,
        source: str,
        url: str,
        saga: EntitySaga,
        token: str = "",
        name: str = "",
        *,
        connect: ConnectionFactory = SignalRConnection,
        batch_size: int | None = None,
        max_attempts: int | None = None,
        retry_backoff: float | None = None,
        initial_backoff: float = 0.2,
        max_backoff: float = 5.0,
    ) -> None:
        self.source = source
        self.url = url
        self.saga = saga
        self.token = token
        self.name = name
        self.connect = connect
        self.batch_size = batch_size or dd_settings.listener_batch_size
        self.max_attempts = max_attempts or dd_settings.listener_max_attempts
        self.retry_backoff = dd_settings.listener_retry_backoff if retry_backoff is None else retry_backoff
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"listener {source}")
        self.connection: HubConnection | None = None
        self.inbox: asyncio.Queue = asyncio.Queue()  # the current connection's queue of what the hub sent
        self.cursor = 0  # the last seq applied, as of the last batch (the database holds the truth)
        self.hub_seq = 0  # the hub's last seq, as last heard
        self.held: dict[int, Delivery] = {}  # events past a gap, kept until the gap is filled
        self.attempts: dict[int, int] = {}  # failed tries of the event the listener is retrying
        self.replaying = False
        self.replay_target = 0  # the hub's last seq known when the current Replay was asked for
        self.needs_resync = False

    # -- the connection's life ----------------------------------------------------------------

    async def run(self) -> None:
        """Connect, replay, follow; reconnect whenever the connection ends. Never returns.

        A hub that closes allowing a reconnect (it is restarting) is reconnected to at once, and the
        Replay from the cursor picks up where the listener stopped; other ends back off first.
        """
        delay = self.initial_backoff
        restarted = False  # the last connection ended in a restart: a second one in a row backs off
        try:
            while True:
                error, restart = "", False
                try:
                    restart = await self.connect_once()
                    delay = self.initial_backoff
                except Exception as exc:  # any failure of one connection: note it, back off, retry
                    error = f"{type(exc).__name__}: {exc}"
                    logger.info("Listener %s: %s", self.source, error)
                if restart and not restarted:
                    logger.info("Listener %s: the hub is restarting; reconnecting at once", self.source)
                    await self.db(save_state, self.source, False, "the hub restarted: reconnecting")
                else:
                    await self.db(save_state, self.source, False, error or "disconnected")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.max_backoff)
                restarted = restart
        finally:
            await self.stopped()

    async def connect_once(self) -> bool:
        """One connection's life: open it, ask for Sync and a Replay, apply what comes until it ends.

        Answers True when the hub ended it allowing a reconnect (a restart), False when it just ended.
        """
        inbox: asyncio.Queue = asyncio.Queue(maxsize=4 * self.batch_size)  # full: the connection stops reading
        connection = self.connect(self.url, self.headers(), functools.partial(self.received, inbox))
        try:
            await connection.start()
        except BaseException:
            await connection.stop()
            raise
        self.connection, self.inbox, self.replaying, self.held = connection, inbox, False, {}
        following = closing = None
        restart = False
        try:
            stored = await self.db(read_cursor, self.source)
            self.cursor, self.needs_resync = stored.seq, stored.needs_resync
            await self.db(save_state, self.source, True)
            await connection.invoke("Sync", [], functools.partial(self.completed, inbox, "synced"))
            await self.request_replay()
            following = asyncio.create_task(self.follow(inbox))
            closing = asyncio.create_task(connection.wait_closed())
            done, _ = await asyncio.wait({following, closing}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                restart = task.result() is True  # raises what ended the connection
        finally:
            for task in (following, closing):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(task for task in (following, closing) if task is not None), return_exceptions=True)
            self.connection = None
            await connection.stop()
        return restart

    def headers(self) -> dict[str, str]:
        """The service credential (when there is one) and this node's name."""
        headers = {LISTENER_HEADER: self.name} if self.name else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    # -- what the connection hands over, in the hub's order -----------------------------------

    async def received(self, inbox: asyncio.Queue, target: str, arguments: list[Any]) -> None:
        """An invocation from the hub: a logged event, or `Sync {seq}`; anything else (Ping) carries no seq."""
        argument = arguments[0] if arguments else None
        seq = argument.get("seq") if isinstance(argument, dict) else None
        if isinstance(seq, bool) or not isinstance(seq, int):
            return
        await inbox.put(("sync", seq, None) if target == "Sync" else ("event", target, argument))

    async def completed(self, inbox: asyncio.Queue, kind: str, result: Any, error: str | None) -> None:
        """The completion of our `Sync()` (kind "synced") or `Replay(since)` (kind "replayed")."""
        await inbox.put((kind, result, error))

    # -- applying --------------------------------------------------------------------------------

    async def follow(self, inbox: asyncio.Queue) -> None:
        """Take everything queued (up to a batch), apply its events in one go, then act on the rest."""
        while True:
            items = [await inbox.get()]
            while len(items) < self.batch_size and not inbox.empty():
                items.append(inbox.get_nowait())
            events = [(item[1], item[2]) for item in items if item[0] == "event"]
            if events:
                await self.apply(events)
            for kind, value, error in (item for item in items if item[0] != "event"):
                if kind == "sync":
                    await self.on_sync(value)
                elif kind == "synced":
                    await self.on_synced(value, error)
                else:
                    await self.on_replayed(value, error)

    async def apply(self, deliveries: list[Delivery]) -> None:
        """Apply `deliveries` (and any held back) batch by batch; retry a failing event after a pause."""
        for target, event in deliveries:
            if event["seq"] > self.cursor:
                self.held[event["seq"]] = (target, event)
        self.hub_seq = max([self.hub_seq, *(event["seq"] for _, event in deliveries)])
        while self.held:
            batch = [self.held[seq] for seq in sorted(self.held)[: self.batch_size]]
            result = await self.db(
                apply_batch, self.source, batch, self.saga, self.attempts, self.max_attempts, self.hub_seq
            )
            self.cursor, self.needs_resync = result.cursor, result.needs_resync
            self.held = {seq: delivery for seq, delivery in self.held.items() if seq > self.cursor}
            self.attempts = {seq: tries for seq, tries in self.attempts.items() if seq > self.cursor}
            if result.failure is not None:
                self.attempts[result.failure.seq] = result.failure.attempts
                delay = min(self.retry_backoff * 2 ** (result.failure.attempts - 1), MAX_RETRY_DELAY)
                first = result.failure.attempts == 1  # the traceback once; the dead letter keeps the last one
                logger.warning(
                    "Listener %s: %s; retrying in %.2f s",
                    self.source,
                    result.failure.description,
                    delay,
                    exc_info=result.failure.error if first else None,
                )
                await asyncio.sleep(delay)
            elif result.gap_after is not None:
                self.hold_back()
                if not self.replaying and not self.needs_resync:
                    logger.info("Listener %s: gap after seq %s, replaying", self.source, self.cursor)
                    await self.request_replay()
                return

    def hold_back(self) -> None:
        """Keep at most a batch of the events past a gap (the lowest: they are needed first)."""
        if len(self.held) > self.batch_size:
            self.held = {seq: self.held[seq] for seq in sorted(self.held)[: self.batch_size]}

    # -- Sync and Replay -------------------------------------------------------------------------

    async def request_replay(self) -> None:
        """Ask the hub to `Replay` every event after the cursor (it also learns how far this listener got)."""
        if self.connection is None:
            return
        self.replaying, self.replay_target = True, self.hub_seq
        await self.connection.invoke("Replay", [self.cursor], functools.partial(self.completed, self.inbox, "replayed"))

    async def on_sync(self, seq: int) -> None:
        """`Sync {seq}`: the hub's last seq. Behind it, a publish was lost: replay (an operator's resync too)."""
        if seq > self.hub_seq:
            self.hub_seq = seq
            await self.db(save_hub_seq, self.source, seq)
        if self.needs_resync:
            stored = await self.db(read_cursor, self.source)
            if stored.needs_resync:
                return
            logger.info("Listener %s: resynced to seq %s", self.source, stored.seq)
            self.cursor, self.needs_resync, self.held = stored.seq, False, {}
        if not self.replaying:
            if seq > self.cursor:
                logger.info("Listener %s: behind the hub's seq %s, replaying", self.source, seq)
            await self.request_replay()  # when up to date too: the hub's record of this listener stays fresh

    async def on_synced(self, seq: Any, error: str | None) -> None:
        """The completion of `Sync()`: the hub's last seq, acted on like a Sync (a hub without it says so)."""
        if error or isinstance(seq, bool) or not isinstance(seq, int):
            logger.debug("Listener %s: no Sync() on the hub (%s); its keep-alive Syncs still count", self.source, error)
            return
        await self.on_sync(seq)

    async def on_replayed(self, last: Any, error: str | None) -> None:
        """The Replay is over: it sent every event the log has up to `last`.

        The hub had committed every event up to `replay_target` before it ran the Replay, so a
        cursor still short of either means those events are gone from its log (pruned).
        """
        self.replaying = False
        if error:
            await self.db(save_state, self.source, True, f"Replay failed: {error}")
            return
        if isinstance(last, bool) or not isinstance(last, int):
            return
        self.hub_seq = max(self.hub_seq, last)
        expected = max(last, self.replay_target)
        if self.cursor < expected:
            missing_to = min(self.held) - 1 if self.held else expected
            message = (
                f"needs resync: the hub no longer has events {self.cursor + 1}..{missing_to} (pruned from its "
                f"log). Reconcile this node's data, then run `manage.py events resync {self.source} "
                f"--to {missing_to}`"
            )
            logger.error("Listener %s: %s", self.source, message)
            self.needs_resync, self.held = True, {}
            await self.db(mark_needs_resync, self.source, message)
        elif self.held and not self.needs_resync:
            await self.request_replay()  # live events came past a gap while replaying: fill it in

    # -- the listener's database thread ------------------------------------------------------------

    async def db(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` on this listener's own thread (its own database connection)."""
        call = functools.partial(_on_listener_thread, function, *args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    async def stopped(self) -> None:
        """The listener is stopping: say so in its row, close its database connection, end its thread."""
        try:
            await self.db(save_state, self.source, False, "listener stopped")
        except Exception:  # stopping anyway; the row says "disconnected" at the next start
            logger.debug("Listener %s: could not record the stop", self.source, exc_info=True)
        finally:
            try:
                await self.db(_close_connection)
            finally:
                self.executor.shutdown(wait=False)


def _close_connection() -> None:
    database.close()


def _on_listener_thread(function: Callable[..., T], *args: Any) -> T:
    """Call `function`; after a database error drop the thread's connection, so the next call opens a fresh one."""
    try:
        return function(*args)
    except Exception:
        database.close()
        raise
