"""One active listener per source, the others standing by: a lease row per process, renewed as a heartbeat.

Every process that runs the listener of a source (`manage.py listen` on several hosts, or several
server workers) has a `ListenerProcess` row. Every `DD_LISTENER_LEASE_SECONDS / 3` seconds each
one renews its row and, in the same transaction, holding the source's cursor row locked (so two
processes never decide at once), takes the active role if no other process holds it with a
heartbeat younger than `DD_LISTENER_LEASE_SECONDS`. The active one runs the EventListener; a
standby waits. An active process killed outright (kill -9, a lost host) stops renewing, and a
standby takes over within the lease and one renewal; one that stops cleanly deletes its row, and
a standby takes over at its next renewal.

A row in the node's own database works on every database Django supports (SQLite, PostgreSQL,
SQL Server) and is what `/events/status` shows. The lease decides who does the work, not whether
it is done once: should two processes ever both run (an active one paused past its lease, its
clock far off), the cursor row still makes each event's effects happen exactly once
(`apply_batch`). A process that finds it lost the lease stops its listener at once. The hosts'
clocks are compared: keep them in sync (NTP) well within the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db import connection as database
from django.utils import timezone

from ...conf import dd_settings
from ...models import ListenerProcess
from .cursor import lock_cursor
from .listener import EventListener

__all__ = ["ListenerLease", "run_leased"]

logger = logging.getLogger("distributed_core.events")

FORGET_AFTER = 10  # leases: a row not renewed for this many is a process long gone, deleted


class ListenerLease:
    """This process's claim on the active role of one source's listener."""

    def __init__(self, source: str, seconds: float | None = None) -> None:
        self.source = source
        self.seconds = dd_settings.listener_lease_seconds if seconds is None else seconds
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.holder = f"{self.host}:{self.pid}:{secrets.token_hex(4)}"
        self.started = timezone.now()

    def renew(self) -> bool:
        """Renew this process's row, taking the active role if nobody holds it; whether this process is active."""
        for _ in range(3):  # two processes making their first rows of a new source at once
            try:
                return self._renew()
            except IntegrityError:
                continue
        return self._renew()

    def _renew(self) -> bool:
        now = timezone.now()
        with transaction.atomic():
            lock_cursor(self.source)  # one decision at a time per source
            others = ListenerProcess.objects.filter(source=self.source).exclude(holder=self.holder)
            held = others.filter(active=True, heartbeat__gte=now - timedelta(seconds=self.seconds)).exists()
            if not held:
                others.filter(active=True).update(active=False)  # a lease that ran out
            ListenerProcess.objects.update_or_create(
                source=self.source,
                holder=self.holder,
                defaults={"host": self.host, "pid": self.pid, "active": not held, "heartbeat": now},
                create_defaults={
                    "host": self.host,
                    "pid": self.pid,
                    "active": not held,
                    "heartbeat": now,
                    "started": self.started,
                },
            )
            others.filter(heartbeat__lt=now - timedelta(seconds=FORGET_AFTER * self.seconds)).delete()
        return not held

    def release(self) -> None:
        """This process stops: delete its row, so that a standby takes over at its next renewal."""
        ListenerProcess.objects.filter(source=self.source, holder=self.holder).delete()


async def run_leased(
    source: str, make_listener: Callable[[], EventListener], lease: ListenerLease | None = None
) -> None:
    """Stand by for `source` until this process holds its lease, run a listener while it does; until cancelled."""
    lease = lease or ListenerLease(source)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"lease {source}")
    loop = asyncio.get_running_loop()

    async def db(function: Callable[..., Any]) -> Any:
        return await loop.run_in_executor(executor, _on_lease_thread, function)

    listening: asyncio.Task | None = None
    try:
        while True:
            try:
                active = await db(lease.renew)
            except Exception:  # the database is away: keep what we had; the lease runs out if it stays away
                logger.warning("Listener %s: could not renew its lease", source, exc_info=True)
                active = listening is not None
            if active and listening is None:
                logger.info("Listener %s: active on %s pid %s", source, lease.host, lease.pid)
                listening = asyncio.create_task(make_listener().run())
            elif not active and listening is not None:
                logger.warning("Listener %s: another process holds the lease now; standing by", source)
                await _stop(listening)
                listening = None
            if listening is not None and listening.done():
                listening.result()  # the listener never returns: raise what ended it
            await asyncio.sleep(lease.seconds / 3)
    finally:
        if listening is not None:
            await _stop(listening)
        with contextlib.suppress(Exception):
            await db(lease.release)
        await db(_close_connection)  # the lease thread's own (`database.close` here would be the loop thread's)
        executor.shutdown(wait=False)


async def _stop(task: asyncio.Task) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _close_connection() -> None:
    database.close()


def _on_lease_thread(function: Callable[[], Any]) -> Any:
    try:
        return function()
    except Exception:
        database.close()  # a fresh connection next time
        raise
