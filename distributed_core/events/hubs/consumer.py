"""EventHubConsumer: an event hub at `/events/<hub>` speaking the SignalR JSON hub protocol v1.

After the handshake the connection joins the process's fan-out of its hub (fanout.py) and gets
every event published after commit, and the keep-alive pings. Clients may invoke `Ping()`,
`Replay(since)` and `Sync()` (methods.py). A connection that breaks the protocol is told why
(a handshake error, or a close message) and closed; so is one silent past the handshake timeout.
However a connection ends, `release()` lets go of all it held: its place in the fan-out, its
outbox, its tasks. Other connections never notice. One whose caller's access is withdrawn is
closed for good (access.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

from ...conf import dd_settings
from ..log import hubs
from ..protocol import MessageType, ProtocolError, check_handshake, check_record, close, decode, encode
from .access import ACCESS, AccessWatch, access_watch
from .capacity import SERVER_SEND
from .fanout import HubFanout, Outbox, fanout_for
from .methods import HubMethodError, HubMethods
from .rates import invocation_bucket

__all__ = ["EventHubConsumer", "HubMethodError"]

logger = logging.getLogger("distributed_core.events")

GOODBYE_TIMEOUT = 2.0  # seconds to say why before closing: a client that reads nothing cannot hold us longer


class EventHubConsumer(HubMethods, AsyncWebsocketConsumer):
    """An event hub at `/events/<hub>`: SignalR JSON protocol v1, the hub's events, Ping, Replay and Sync."""

    channel_layer_alias = None  # no channel per connection: the process's HubFanout receives for all of them
    handshaken = closing = False
    outbox: Outbox | None = None
    fanout: HubFanout | None = None
    watch: AccessWatch | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Run the connection; however it ends (close, drop, error, cancellation), release what it holds."""
        self.tasks: set[asyncio.Task] = set()
        self.invocations = invocation_bucket()
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.release()

    async def connect(self) -> None:
        """Accept a caller on a hub this node serves (HubAdmission has checked who it is); refuse others (HTTP 403)."""
        self.hub = self.scope["url_route"]["kwargs"]["hub"].lower()
        if not hubs.serves(self.hub):
            await self.close()  # refused before accept: the client sees HTTP 403
            return
        await self.accept()

    async def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        """Accept the WebSocket, and give the client `DD_HUB_HANDSHAKE_TIMEOUT` seconds for its handshake."""
        await super().accept(subprotocol, headers)
        self.deadline = self.spawn(self.handshake_deadline(dd_settings.hub_handshake_timeout))

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its per-message hop through the sync thread (`close_old_connections()`):
        only `database_sync_to_async` touches the database here, and it closes old connections itself.
        """
        await getattr(self, get_handler_name(message))(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """One frame: the handshake first, then each record; a frame the protocol refuses closes with the reason."""
        try:
            if text_data is None:
                raise ProtocolError("Binary frames are not supported: this hub speaks the JSON protocol")
            if len(text_data) > dd_settings.hub_max_message_size:
                raise ProtocolError(f"Message too large: the limit is {dd_settings.hub_max_message_size} characters")
            for record in decode(text_data):
                if self.closing:
                    return
                await (self.dispatch_record(record) if self.handshaken else self.handshake(record))
        except ProtocolError as error:
            await self.fail(str(error))
        except OSError:  # the client went away while we answered (uvicorn's ClientDisconnected)
            self.release()
        except Exception:
            logger.exception("Hub %s: a frame failed", getattr(self, "hub", "?"))
            await self.fail("An unexpected error occurred on the server")

    async def handshake(self, record: dict[str, Any]) -> None:
        """Check the handshake, join the fan-out, answer `{}`, then start the outbox."""
        check_handshake(record)
        self.deadline.cancel()
        send = self.scope.get(SERVER_SEND, self.base_send)  # capacity.py: the server's own, where there is one
        self.outbox = Outbox(lambda text: send({"type": "websocket.send", "text": text}), self.drop)
        self.fanout = fanout_for(self.hub)
        await self.fanout.join(self)
        if (access := self.scope.get(ACCESS)) is not None:  # what admitted it (admission.py), checked again
            self.access = access
            self.watch = access_watch()
            self.watch.watch(self)
        self.handshaken = True
        await self.send(text_data=encode({}))
        self.outbox.start()

    async def dispatch_record(self, record: dict[str, Any]) -> None:
        """One record after the handshake: invoke, refuse streams, ignore keep-alives, close on Close."""
        kind = check_record(record)
        if kind == MessageType.INVOCATION:
            await self.invoke(record)
        elif kind == MessageType.STREAM_INVOCATION:
            await self.send_completion(record["invocationId"], error="Streaming is not supported by this hub")
        elif kind == MessageType.CLOSE:
            self.release()
            await self.close()
        # PING is a keep-alive; nothing of ours streams or waits for a client result (STREAM_ITEM,
        # COMPLETION, CANCEL_INVOCATION)

    # -- the fan-out's side (fanout.Subscriber) -----------------------------------------------

    def post(self, record: str) -> None:
        """Queue a record for this connection (events, keep-alives, a Ping)."""
        if self.outbox is not None and not self.closing:
            self.outbox.post(record)

    def drop(self, reason: str) -> asyncio.Task | None:
        """Close from outside the receive loop (a full outbox, a lost feed, a restart) allowing a reconnect: release
        now, say why in a task (returned, for a restart to wait on it)."""
        if self.closing:
            return None
        self.release()
        return self.spawn(self.goodbye(close(reason, allow_reconnect=True)))

    def revoke(self, reason: str) -> None:
        """Close for good (the caller's access was withdrawn): release now, a Close message without allowReconnect
        and the socket's close in a task."""
        if not self.closing:
            logger.info("Hub %s: closing a connection: %s", self.hub, reason)
            self.release()
            self.spawn(self.goodbye(close(f"Access withdrawn: {reason}")))

    # -- ending -------------------------------------------------------------------------------

    async def handshake_deadline(self, timeout: float) -> None:
        """Close a connection that has not sent its handshake within `timeout` seconds."""
        await asyncio.sleep(timeout)
        await self.fail(f"Handshake not received within {timeout:g} s")

    async def fail(self, error: str) -> None:
        """Say why (a handshake error before the handshake, a close message after), then close this connection."""
        if not self.closing:
            self.release()
            await self.goodbye(close(error) if self.handshaken else {"error": error})

    async def goodbye(self, message: dict[str, Any]) -> None:
        """Send `message` and close, within GOODBYE_TIMEOUT (the client may be gone or not reading)."""
        with contextlib.suppress(Exception):
            async with asyncio.timeout(GOODBYE_TIMEOUT):
                await self.send(text_data=encode(message))
                await self.close()

    def release(self) -> None:
        """Let go of all this connection holds: its place in the fan-out, its outbox, its tasks (idempotent)."""
        self.closing = True
        if self.fanout is not None:
            self.fanout.leave(self)
            self.fanout = None
        if self.watch is not None:
            self.watch.forget(self)
            self.watch = None
        if self.outbox is not None:
            self.outbox.close()
        current = asyncio.current_task()
        for task in self.tasks:
            if task is not current:
                task.cancel()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task:
        """Run `coroutine` as a task of this connection, cancelled when it is released."""
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task
