"""Access withdrawn closes hub connections: what admitted each connection is checked again, and often.

Admission (admission.py) keeps what the caller presented, an `auth.callers.Access`, in the
connection's scope. From then on:

- every `Replay` and `Sync` checks it again before it sends anything (methods.py);
- each process's `AccessWatch` checks the access of all its connections every
  `DD_HUB_ACCESS_RECHECK` seconds, in one trip to a database thread, each distinct access once
  (a listener's many connections with one credential, a user's tabs with one session: one check),
  all sessions and permissions with a few queries (`auth.access.check_accesses`).

A connection whose access is refused (its token revoked or expired, its user disabled or deleted,
its session ended, its view permission removed, its service credential no longer in
SERVICE_TOKENS) gets a SignalR Close message with the reason, without `allowReconnect`, then its
socket is closed. Every check reads the database shared by all of a node's processes, so a
revocation made through one worker closes the connections another worker holds, within the
interval. A check that fails (the database away) closes nothing: the next one tries again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from channels.db import database_sync_to_async

from ...auth.access import Access, check_accesses
from ...conf import dd_settings

__all__ = ["ACCESS", "AccessWatch", "Watched", "access_watch"]

logger = logging.getLogger("distributed_core.events")

ACCESS = "dd.access"  # the scope key under which admission keeps a connection's Access


class Watched(Protocol):
    """A connection as the watch sees it."""

    access: Access

    def revoke(self, reason: str) -> None:
        """Close this connection for good: its access was withdrawn for `reason`."""


class AccessWatch:
    """The hub connections of this process (its event loop) whose access is checked again periodically."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.connections: set[Watched] = set()
        self.task: asyncio.Task | None = None

    def watch(self, connection: Watched) -> None:
        """Check `connection`'s access from now on; the first one starts the checks."""
        self.connections.add(connection)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.run())

    def forget(self, connection: Watched) -> None:
        """Stop checking `connection`; the last one out stops the checks."""
        self.connections.discard(connection)
        if not self.connections and self.task is not None:
            self.task.cancel()
            self.task = None

    async def run(self) -> None:
        """Every `DD_HUB_ACCESS_RECHECK` seconds, check every connection's access."""
        while True:
            await asyncio.sleep(dd_settings.hub_access_recheck)
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database away: close nobody, try again at the next tick
                logger.exception("Hub access check failed; it runs again in %g s", dd_settings.hub_access_recheck)

    async def check(self) -> None:
        """Check each distinct access once, and close the connections whose access is refused."""
        connections = tuple(self.connections)
        refused = await database_sync_to_async(check_accesses)({connection.access for connection in connections})
        for connection in connections:
            reason = refused.get(connection.access)
            if reason is not None:
                connection.revoke(reason)


_watch: AccessWatch | None = None


def access_watch() -> AccessWatch:
    """This process's AccessWatch for the running event loop (a new loop, as in tests, gets its own)."""
    global _watch
    if _watch is None or _watch.loop is not asyncio.get_running_loop():
        _watch = AccessWatch()
    return _watch
