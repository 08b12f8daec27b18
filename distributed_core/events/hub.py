"""EventHubConsumer: an event hub at `/events/<hub>` speaking the SignalR JSON hub protocol v1.

After the handshake the connection joins the hub's channel-layer group and receives every
event published after commit (`hub_event`). Clients may invoke:
    Ping()          -> broadcasts `Ping` to every connection of the hub
    Replay(since)   -> sends this connection every logged event after `since`, then completes
                       with the last seq sent
Every keep-alive interval it also sends `Sync {seq}`, the hub's last seq, so a client that
missed a publish catches up by Replay. Anything the protocol does not allow is answered with a
completion error (bad invocation) or a close message that says why (bad record); other
connections never notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from ..conf import dd_settings
from ..gateway.credentials import credential_from
from .access import hub_access_problem, origin_problem
from .log import events_after, group_name, last_seq
from .positions import listener_name, record_position
from .protocol import (
    MessageType,
    ProtocolError,
    check_handshake,
    close,
    completion,
    decode,
    encode,
    invocation,
)

__all__ = ["EventHubConsumer", "HubMethodError"]

REPLAY_BATCH = 500


class HubMethodError(Exception):
    """A hub method refused its arguments; the caller gets a completion with this error."""


class EventHubConsumer(AsyncWebsocketConsumer):
    """An event hub at `/events/<hub>`: SignalR JSON protocol v1, the hub's events, Ping and Replay."""

    handshaken = False
    keepalive_task: asyncio.Task | None = None

    async def connect(self) -> None:
        """Accept a caller allowed on a hub this node serves; refuse others before accept (HTTP 403)."""
        self.hub = self.scope["url_route"]["kwargs"]["hub"].lower()
        headers = {key.decode().lower(): value.decode() for key, value in self.scope.get("headers", [])}
        query = {key: values[-1] for key, values in parse_qs(self.scope.get("query_string", b"").decode()).items()}
        supplied = credential_from(headers, query)
        origin = origin_problem(headers.get("origin", ""), headers.get("host", ""))
        if self.hub not in dd_settings.hubs or origin or hub_access_problem(supplied, self.scope.get("user")):
            await self.close()  # refused before accept: the client sees HTTP 403
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        """Stop the keep-alive and leave the hub's group."""
        if self.keepalive_task is not None:
            self.keepalive_task.cancel()
        if self.handshaken:
            await self.channel_layer.group_discard(group_name(self.hub), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """One frame: the handshake first, then each record; a bad frame closes with the reason."""
        if text_data is None:
            await self.fail("Binary frames are not supported: this hub speaks the JSON protocol")
            return
        if len(text_data) > dd_settings.hub_max_message_size:
            await self.fail(f"Message too large: the limit is {dd_settings.hub_max_message_size} characters")
            return
        try:
            records = decode(text_data)
            for record in records:
                if not self.handshaken:
                    await self.handshake(record)
                else:
                    await self.dispatch_record(record)
        except ProtocolError as error:
            await self.fail(str(error), handshake=not self.handshaken)

    async def handshake(self, record: dict[str, Any]) -> None:
        """Check the handshake, join the hub's group, answer `{}` and start the keep-alive pings."""
        check_handshake(record)
        await self.channel_layer.group_add(group_name(self.hub), self.channel_name)
        self.handshaken = True
        await self.send(text_data=encode({}))
        self.keepalive_task = asyncio.create_task(self.keepalive())

    async def dispatch_record(self, record: dict[str, Any]) -> None:
        """One record after the handshake: invoke, refuse streams, ignore keep-alives, close on Close."""
        kind = record.get("type")
        if kind == MessageType.INVOCATION:
            await self.invoke(record)
        elif kind == MessageType.STREAM_INVOCATION:
            await self.send_completion(record.get("invocationId"), error="Streaming is not supported by this hub")
        elif kind in (MessageType.PING, MessageType.CANCEL_INVOCATION, MessageType.STREAM_ITEM, MessageType.COMPLETION):
            return  # keep-alives; nothing of ours streams or waits for a client result
        elif kind == MessageType.CLOSE:
            await self.close()
        else:
            raise ProtocolError(f"Unknown message type: {kind!r}")

    async def invoke(self, record: dict[str, Any]) -> None:
        """Run the named hub method (any case) and answer with its completion or its error."""
        target, arguments = record.get("target"), record.get("arguments", [])
        invocation_id = record.get("invocationId")
        methods = {"ping": self.hub_ping, "replay": self.hub_replay}
        method = methods.get(str(target).lower())
        if method is None:
            await self.send_completion(invocation_id, error=f"Unknown hub method '{target}'")
            return
        if not isinstance(arguments, list):
            await self.send_completion(invocation_id, error="Invocation arguments must be a list")
            return
        try:
            inspect.signature(method).bind(*arguments)
        except TypeError:
            await self.send_completion(invocation_id, error=f"{target}: wrong number of arguments")
            return
        try:
            result = await method(*arguments)
        except HubMethodError as error:
            await self.send_completion(invocation_id, error=f"{target}: {error}")
            return
        await self.send_completion(invocation_id, result=result)

    # -- hub methods ------------------------------------------------------------------------

    async def hub_ping(self, *arguments: Any) -> None:
        """`Ping()`: broadcast `Ping` to every connection of the hub."""
        record = encode(invocation("Ping", [{"message": "Ping"}]))
        await self.channel_layer.group_send(group_name(self.hub), {"type": "hub.event", "record": record})

    async def hub_replay(self, since: Any = None) -> int:
        """`Replay(since)`: send this connection every logged event after `since`; answer the last seq sent."""
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            raise HubMethodError(f"expects the last seq you applied, a number >= 0, not {since!r}")
        if listener := listener_name(self.scope):  # a node's listener: prune_events keeps what it still needs
            await database_sync_to_async(record_position)(self.hub, listener, since)
        while True:
            batch = await database_sync_to_async(events_after)(self.hub, since, REPLAY_BATCH)
            for event in batch:
                await self.send(text_data=encode(invocation(event.target, [event.as_argument()])))
                since = event.seq
            if len(batch) < REPLAY_BATCH:
                return since

    # -- channel layer and helpers ----------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Deliver `hub.event` directly; everything else goes through Channels' dispatch.

        Channels runs `close_old_connections()` through the one shared sync thread before every
        handler. `hub_event` only forwards an already-encoded record and never touches the
        database, so that hop is pure cost on the fan-out path: one thread round trip per
        connection per event, serialized with the node's HTTP views and listeners.
        """
        if message.get("type") == "hub.event":
            await self.hub_event(message)
        else:
            await super().dispatch(message)

    async def hub_event(self, message: dict[str, Any]) -> None:
        """An event published to the hub's group (type `hub.event`)."""
        await self.send(text_data=message["record"])

    async def keepalive(self) -> None:
        """Every `DD_HUB_KEEPALIVE_INTERVAL` seconds: a protocol Ping, then `Sync` with the hub's last seq.

        Sync lets a client that is behind (an event whose publish was lost when a process died
        between commit and publish) notice it without waiting for the next event.
        """
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await asyncio.sleep(dd_settings.hub_keepalive_interval)
                await self.send(text_data=encode({"type": MessageType.PING}))
                seq = await database_sync_to_async(last_seq)(self.hub)
                await self.send(text_data=encode(invocation("Sync", [{"seq": seq, "message": "Sync"}])))

    async def send_completion(self, invocation_id: str | None, result: Any = None, error: str | None = None) -> None:
        """Answer a blocking invocation; a non-blocking one (no id) expects no answer."""
        if invocation_id is not None:  # a non-blocking invocation expects no answer
            await self.send(text_data=encode(completion(invocation_id, result, error)))

    async def fail(self, error: str, handshake: bool = False) -> None:
        """Say why, then close this connection only."""
        await self.send(text_data=encode({"error": error} if handshake else close(error)))
        await self.close()
