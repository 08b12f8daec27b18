"""What a hub's clients may invoke: `Ping()`, `Replay(since)` and `Sync()`, found by name in any case.

An invocation answers with a completion (when it has an id): its result, or an error when the
method is unknown, its arguments do not fit (the connection stays open, as ASP.NET Core answers a
binding failure), the connection is beyond its rate (`DD_HUB_INVOCATION_RATE`), or the method
failed unexpectedly (logged with its traceback; the client learns no more than that).

`Replay` and `Sync` first check the caller's access again (access.py): once it is withdrawn they
send nothing but an error completion, and the connection is closed for good.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from ...auth.access import check_access
from ...auth.callers import Refused
from ...conf import dd_settings
from ..log import events_after, group_name, last_seq
from ..protocol import completion, encode, invocation
from .access import ACCESS
from .positions import listener_name, record_position
from .rates import TokenBucket, ping_broadcast_allowed

__all__ = ["HubMethodError", "HubMethods"]

logger = logging.getLogger("distributed_core.events")

REPLAY_BATCH = 500
MAX_SEQ = 2**63 - 1  # a seq is a 64-bit integer in every database the nodes run on
PING = encode(invocation("Ping", [{"message": "Ping"}]))


class HubMethodError(Exception):
    """A hub method refused its arguments; the caller gets a completion with this error."""


class AccessWithdrawn(HubMethodError):
    """The caller's access is withdrawn: the method sent nothing, and the connection is to be closed."""


class HubMethods:
    """The hub methods of EventHubConsumer, and how an invocation record reaches them.

    The consumer provides `send` (Channels' own), `post` (queue a record in its outbox) and `revoke` (close
    for good).
    """

    hub: str
    invocations: TokenBucket  # this connection's rate
    wants_sync = False  # it invoked Sync(): the fan-out sends it Sync at every keep-alive
    closing = False  # the consumer's: set once the connection is being closed

    async def invoke(self, record: dict[str, Any]) -> None:
        """Run the named hub method and answer with its completion or its error."""
        target, arguments, invocation_id = record["target"], record.get("arguments") or [], record.get("invocationId")
        if not self.invocations.take():
            rate, burst = dd_settings.hub_invocation_rate
            error = f"Too many invocations: at most {rate:g} a second, {burst:g} at once"
            await self.send_completion(invocation_id, error=error)
            return
        method = {"ping": self.hub_ping, "replay": self.hub_replay, "sync": self.hub_sync}.get(target.lower())
        if method is None:
            await self.send_completion(invocation_id, error=f"Unknown hub method '{target}'")
            return
        try:
            inspect.signature(method).bind(*arguments)
        except TypeError:
            await self.send_completion(invocation_id, error=f"{target}: wrong number of arguments")
            return
        try:
            result = await method(*arguments)
        except AccessWithdrawn as withdrawn:
            await self.send_completion(invocation_id, error=f"{target}: access withdrawn: {withdrawn}")
            self.revoke(str(withdrawn))
            return
        except HubMethodError as error:
            await self.send_completion(invocation_id, error=f"{target}: {error}")
            return
        except Exception:
            logger.exception("Hub %s: %s failed", self.hub, target)
            await self.send_completion(invocation_id, error=f"An unexpected error occurred invoking '{target}'")
            return
        await self.send_completion(invocation_id, result=result)

    async def hub_ping(self, *arguments: Any) -> None:
        """`Ping()`: `Ping` to every connection of the hub within its broadcast rate; beyond it, to the caller."""
        if ping_broadcast_allowed(self.hub):
            await get_channel_layer().group_send(group_name(self.hub), {"type": "hub.event", "record": PING})
        else:
            self.post(PING)

    async def hub_replay(self, since: Any = None) -> int:
        """`Replay(since)`: send this connection every logged event after `since`; answer the last seq sent."""
        if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= MAX_SEQ:
            raise HubMethodError(f"expects the last seq you applied, a number from 0 to {MAX_SEQ}, not {since!r}")
        await self.check_access()
        if listener := listener_name(self.scope):  # a node's listener: prune_events keeps what it still needs
            await database_sync_to_async(record_position)(self.hub, listener, since)
        while True:
            batch = await database_sync_to_async(events_after)(self.hub, since, REPLAY_BATCH)
            for event in batch:
                if self.closing:  # closed meanwhile (its access withdrawn, say): not one more event
                    raise HubMethodError("the connection is closing")
                await self.send(text_data=encode(invocation(event.target, [event.as_argument()])))
                since = event.seq
            if len(batch) < REPLAY_BATCH:
                return since

    async def hub_sync(self) -> int:
        """`Sync()`: from now on send this connection `Sync {seq, message}` at every keep-alive; answer the last seq."""
        await self.check_access()
        self.wants_sync = True
        return await database_sync_to_async(last_seq)(self.hub, 0)

    async def check_access(self) -> None:
        """Check again what admitted this connection (when admission kept it); AccessWithdrawn once it is refused."""
        access = self.scope.get(ACCESS)
        if access is None:
            return
        try:
            await database_sync_to_async(check_access)(access)
        except Refused as refusal:
            raise AccessWithdrawn(refusal.reason) from None

    async def send_completion(self, invocation_id: str | None, result: Any = None, error: str | None = None) -> None:
        """Answer a blocking invocation; a non-blocking one (no id) expects no answer."""
        if invocation_id is not None:
            await self.send(text_data=encode(completion(invocation_id, result, error)))
