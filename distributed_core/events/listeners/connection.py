"""The connection a listener holds to a remote hub: an interface, and the real one over pysignalr.

A listener needs four things of a connection: open it, invoke a hub method and hear its
completion, hear every invocation the hub sends (whatever its target), and notice when it
ends. `HubConnection` says exactly that, so the listener's logic runs the same against
`SignalRConnection` (the official Python client, pysignalr) and against a fake in tests.

Both callbacks are awaited in the order the hub's records arrive: a Replay's completion comes
after the events it replayed, which the listener relies on. While a callback waits (the
listener's queue is full), the connection reads no further: the hub's sends wait in turn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pysignalr.client import SignalRClient

from ...conf import dd_settings

__all__ = ["ConnectionFactory", "HubConnection", "ListenerClient", "OnInvocation", "OnResult", "SignalRConnection"]

OnInvocation = Callable[[str, list[Any]], Awaitable[None]]  # (target, arguments) of each invocation the hub sends
OnResult = Callable[[Any, str | None], Awaitable[None]]  # (result, error) of a completion


class HubConnection(Protocol):
    """One connection to a hub, as a listener uses it."""

    async def start(self) -> None:
        """Connect and complete the handshake; raise if that fails."""

    async def invoke(self, method: str, arguments: list[Any], on_result: OnResult) -> None:
        """Invoke a hub method; `on_result` gets its completion, in order with the invocations around it."""

    async def wait_closed(self) -> bool:
        """Once the connection has ended: True when the hub closed it allowing a reconnect (it is restarting:
        reconnect at once), else False; or raise what ended it."""

    async def stop(self) -> None:
        """Close the connection (if it is open) and release what it holds."""


ConnectionFactory = Callable[[str, dict[str, str], OnInvocation], HubConnection]
"""Makes a connection from (url, headers, on_invocation): `SignalRConnection` itself, or a test's fake."""


class ListenerClient(SignalRClient):
    """pysignalr's client, handing every invocation to one callback, whatever its target.

    pysignalr dispatches invocations by target name only; a listener must see each event of
    the hub (a target its saga ignores included) to advance its cursor without a gap.
    """

    def __init__(self, *args: Any, on_invocation: OnInvocation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_any_invocation = on_invocation
        self.last_heard = time.monotonic()
        self.allows_reconnect = False  # the hub's close record said `allowReconnect` (a restart)

    async def _on_message(self, message: Any) -> None:
        self.last_heard = time.monotonic()  # any record, the hub's keep-alive pings included
        await super()._on_message(message)

    async def _on_invocation_message(self, message: Any) -> None:
        await self._on_any_invocation(message.target, message.arguments)

    async def _on_close_message(self, message: Any) -> None:
        # a close that allows reconnecting (a hub restarting, a connection too slow) is no failure, whatever its
        # reason says: the hub closes the socket next, and the listener reconnects at once
        if message.allow_reconnect:
            self.allows_reconnect = True
            return
        await super()._on_close_message(message)


class SignalRConnection:
    """A `HubConnection` over pysignalr's WebSocket transport (negotiate, handshake, keep-alive).

    Like SignalR's own clients (`serverTimeout`), it gives up on a hub it has not heard from for
    twice the hubs' keep-alive interval (`DD_HUB_KEEPALIVE_INTERVAL`, 30 s by default), so a
    half-open connection ends and the listener reconnects and replays. Retrying is the
    listener's: pysignalr is told not to retry a failed negotiation itself.
    """

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        on_invocation: OnInvocation,
        timeout: float = 5.0,
        server_timeout: float | None = None,
    ) -> None:
        self.client = ListenerClient(
            url, headers=dict(headers), connection_timeout=timeout, retry_count=1, on_invocation=on_invocation
        )
        self.client.on_error(self._error_completion)
        self.timeout = timeout
        self.server_timeout = server_timeout or 2 * dd_settings.hub_keepalive_interval
        self.opened, self.closed = asyncio.Event(), asyncio.Event()
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        """Run pysignalr's client until it reports the connection open; raise what stopped it before that."""

        async def opened() -> None:
            self.client.last_heard = time.monotonic()
            self.opened.set()

        async def closed() -> None:
            self.closed.set()

        self.client.on_open(opened)
        self.client.on_close(closed)
        self.task = asyncio.create_task(self.client.run())
        waiting = asyncio.create_task(self.opened.wait())
        try:
            await asyncio.wait({self.task, waiting}, timeout=3 * self.timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
        if not self.opened.is_set():
            if self.task.done():
                self.task.result()  # raises what ended it
            raise ConnectionError(f"no connection within {3 * self.timeout:.0f} s")

    async def invoke(self, method: str, arguments: list[Any], on_result: OnResult) -> None:
        """Send a blocking invocation; its completion (result or error) goes to `on_result`."""

        async def completed(message: Any) -> None:
            await on_result(getattr(message, "result", None), getattr(message, "error", None))

        await self.client.send(method, arguments, on_invocation=completed)

    async def wait_closed(self) -> bool:
        """Wait until the connection closes or its run ends (raising what ended it), or the hub falls silent;
        True when the hub's close record allowed reconnecting."""
        waiting = asyncio.create_task(self.closed.wait())
        try:
            while not (self.task.done() or waiting.done()):
                await asyncio.wait({self.task, waiting}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
                silent = time.monotonic() - self.client.last_heard
                if silent > self.server_timeout:
                    raise TimeoutError(f"nothing from the hub for {silent:.0f} s (keep-alives stopped)")
        finally:
            waiting.cancel()
        if self.task.done() and not self.client.allows_reconnect:
            self.task.result()
        return self.client.allows_reconnect

    async def stop(self) -> None:
        """Cancel pysignalr's run (closing the WebSocket) and wait for it to finish."""
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _error_completion(self, message: Any) -> None:
        """pysignalr raises on an error completion unless told where it goes: to the invoker's `on_result`."""
