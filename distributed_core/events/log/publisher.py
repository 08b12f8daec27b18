"""Hand committed events to the channel layer without making the committing thread wait.

An event is published after its transaction commits, in the thread that committed it: a
request's thread or a listener's. Waiting there for the channel layer (a hop to the event
loop, a round trip to Redis) would add that latency to every write and stall the thread
whenever the loop is busy with a broadcast. Once a server has bound its event loop
(`bind_loop`: the ASGI lifespan and `manage.py listen` do), `publish()` only queues the
message on that loop, where one task sends the queue in order. A WSGI server has no loop: its
processes publish from a loop thread of their own (`use_own_loop`, which the node's WSGI
application turns on; otherwise each publish would make a thread and a loop, and a Redis
connection, for one message), or not at all when their channel layer is the in-memory one
(`publish_nowhere`: it reaches the process's own hub connections, and a WSGI process has none).
Without either (a management command, a test) it sends the message itself and returns when it
is sent.

Publishing is best effort either way: the event log is the truth, and listeners that miss a
message catch up by replay. What goes out is the hubs' record of the event: a SignalR invocation
of its target, to the channel-layer group of its hub (`group_name`), as `{"type": "hub.event",
"record": ...}`; each process's hub fan-out copies it to its connections.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
import os
import re
import threading
from collections import deque
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from ...conf import dd_settings
from ..protocol import encode, invocation

if TYPE_CHECKING:
    from ...models import Event

__all__ = ["Publisher", "bind_loop", "group_name", "publish", "publish_nowhere", "publisher", "use_own_loop"]

logger = logging.getLogger("distributed_core.events")

FLUSH_TIMEOUT = 2.0  # seconds an exiting process waits for its own loop to send what is queued


class Publisher:
    """Sends `(group, message)` pairs to the channel layer, queued on a bound loop or directly."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: deque[tuple[str, dict[str, Any]]] = deque()  # touched on the bound loop only
        self.sending = False
        self.task: asyncio.Task | None = None  # the task sending the queue (kept: the loop holds tasks weakly)
        self.own_loop_wanted = False
        self.nowhere = False  # nothing to publish to: messages are dropped (the log keeps the events)
        self.own_loop: asyncio.AbstractEventLoop | None = None
        self.own_loop_pid = 0  # the process whose thread runs `own_loop` (a forked worker makes its own)
        self.own_loop_lock = threading.Lock()

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Queue every later message on `loop` (the server's running loop); None sends directly again."""
        self.loop = loop

    def use_own_loop(self) -> None:
        """Without a bound loop, queue messages on a loop thread of this process's own, started on first use."""
        self.own_loop_wanted = True

    def publish_nowhere(self) -> None:
        """Drop every message from now on: this process's channel layer reaches no one."""
        self.nowhere = True

    def publish(self, group: str, message: dict[str, Any]) -> None:
        """Send `message` to `group`: queued on the bound loop (returns at once), else sent before returning."""
        if self.nowhere:
            return
        loop = self.loop
        if loop is None and self.own_loop_wanted:
            loop = self._running_own_loop()
        if loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._enqueue, group, message)
                return
            except RuntimeError:  # the loop closed in between: the server is stopping
                logger.debug("Event loop closed; sending %s directly", group)
        async_to_sync(get_channel_layer().group_send)(group, message)

    def _running_own_loop(self) -> asyncio.AbstractEventLoop:
        """This process's own loop, its thread started on the first call (in each process: threads do not fork)."""
        with self.own_loop_lock:
            if self.own_loop is None or self.own_loop_pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="publisher", daemon=True).start()
                self.own_loop, self.own_loop_pid = loop, os.getpid()
                self.queue, self.sending = deque(), False  # a forked child's copy of the parent's is not its own
                atexit.register(self._flush_own_loop, loop)
            return self.own_loop

    def _flush_own_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """At exit: give the own loop up to FLUSH_TIMEOUT seconds to send what is queued (listeners replay the rest)."""

        async def sent() -> None:
            while self.sending or self.queue:
                await asyncio.sleep(0.01)

        if self.own_loop is loop and self.own_loop_pid == os.getpid() and loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(sent(), loop).result(timeout=FLUSH_TIMEOUT)
            except Exception:  # TimeoutError or a loop stopped meanwhile
                logger.warning("Exiting with events not yet published; listeners will replay them")

    def _enqueue(self, group: str, message: dict[str, Any]) -> None:
        self.queue.append((group, message))
        if not self.sending:
            self.sending = True
            self.task = asyncio.get_running_loop().create_task(self._send_queue())

    async def _send_queue(self) -> None:
        layer = get_channel_layer()
        try:
            while self.queue:
                group, message = self.queue.popleft()
                try:
                    await layer.group_send(group, message)
                except Exception:  # the event is safe in the log; listeners catch up by replay
                    logger.exception("Could not publish to %s; listeners will replay it", group)
        finally:
            self.sending = False


publisher = Publisher()
"""The process's publisher: `publish` sends through it."""


GROUP_NAME_LIMIT = 99  # channels refuses a group name of 100 characters or more
_PLAIN = re.compile(r"[A-Za-z0-9_-]+")


def group_name(hub: str, node: str | None = None) -> str:
    """The channel-layer group of `hub`'s connections on `node` (default: this node): `events.<node>.<hub>`.

    The node's name is part of it: nodes sharing one Redis (and one prefix) may each serve a hub
    of the same name (two `package` hubs), and must never receive each other's events.
    """
    name = f"events.{_group_part(dd_settings.node_name if node is None else node)}.{_group_part(hub)}"
    if len(name) > GROUP_NAME_LIMIT:
        name = f"{name[: GROUP_NAME_LIMIT - 17]}.{_digest(name)}"
    return name


def _group_part(name: str) -> str:
    """`name` as one dot-free part of a group name: as it is when it is plain, else made plain and made unique
    again by a digest of the original (channels allows only ASCII letters, digits, `-`, `_` and `.`)."""
    if _PLAIN.fullmatch(name):
        return name
    return f"{re.sub(r'[^A-Za-z0-9_-]', '-', name)}-{_digest(name)}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def publish(event: Event) -> None:
    """Push a committed event to everyone connected to its hub (best effort: the log is the truth)."""
    record = encode(invocation(event.target, [event.as_argument()]))
    try:
        publisher.publish(group_name(event.hub), {"type": "hub.event", "record": record})
    except Exception:  # the event is safe in the log; listeners catch up by replay
        logger.exception("Could not publish %s; listeners will replay it", event)


def bind_loop(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Publish through `loop` (default: the running loop) from now on; call it where a server's loop starts."""
    publisher.bind(loop or asyncio.get_running_loop())


def use_own_loop() -> None:
    """Publish through a loop thread of the process's own from now on; call it where a WSGI application is made."""
    publisher.use_own_loop()


def publish_nowhere() -> None:
    """Publish nothing from now on; for a process whose channel layer reaches no hub connection."""
    publisher.publish_nowhere()
