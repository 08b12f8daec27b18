"""Pruning the log: old events go, but never one a known listener has yet to apply.

A hub records how far each listener that follows it had applied at its last `Replay`
(`ListenerPosition`); the lowest of them is the hub's prune floor, and no event after it is
deleted unless forced. A listener whose events were pruned anyway can no longer catch up by
replay: it reports "needs resync" (see `events.listeners.listener`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Min
from django.utils import timezone

from ...models import Event, ListenerPosition

__all__ = ["Pruned", "prune_events", "prune_floor"]


@dataclass(frozen=True)
class Pruned:
    """What `prune_events` deleted (or, dry, would delete), and the old events it kept for listeners."""

    deleted: int
    kept: int


def prune_floor(hub: str) -> int | None:
    """The lowest position of `hub`'s listeners: events after it must stay. None when no listener is known."""
    return ListenerPosition.objects.filter(hub=hub).aggregate(floor=Min("seq"))["floor"]


def prune_events(days: int, hub: str | None = None, dry_run: bool = False, force: bool = False) -> Pruned:
    """Delete the events older than `days` of `hub` (or of every hub), hub by hub, keeping those after its floor.

    `dry_run` counts and deletes nothing; `force` ignores the listeners' positions.
    """
    old = Event.objects.filter(date_created__lt=timezone.now() - timedelta(days=days))
    hubs = [hub] if hub else sorted(set(old.values_list("hub", flat=True)))
    deleted = kept = 0
    for name in hubs:
        events = old.filter(hub=name)
        floor = None if force else prune_floor(name)
        if floor is not None:
            kept += events.filter(seq__gt=floor).count()
            events = events.filter(seq__lte=floor)
        count = events.count()
        if not dry_run:
            events.delete()
        deleted += count
    return Pruned(deleted, kept)
