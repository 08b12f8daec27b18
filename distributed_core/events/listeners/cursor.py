"""A listener's row in this node's database: its cursor, and what `/events/status` shows of it.

The cursor (`seq`) only moves in `apply_batch`, together with the saga's effects, or by an
operator's `manage.py events resync`. The other columns say how the listener is doing:
connected or not, the hub's last seq as last heard (the lag is the difference), the last
error, and whether the hub's log has lost events the listener still needs (`needs_resync`).
"""

from __future__ import annotations

from django.db import transaction

from ...models import DeadLetter, ListenerCursor

__all__ = [
    "PARKED_NOTICE",
    "has_parked",
    "lock_cursor",
    "mark_needs_resync",
    "parked_resolved",
    "read_cursor",
    "resync",
    "save_hub_seq",
    "save_state",
]

PARKED_NOTICE = "parked seq "  # how a listener's last error begins when it parked events as dead letters


def lock_cursor(source: str) -> ListenerCursor:
    """The cursor row of `source`, made on first use, locked until the transaction ends."""
    cursor = ListenerCursor.objects.select_for_update().filter(source=source).first()
    if cursor is None:
        ListenerCursor.objects.get_or_create(source=source)
        cursor = ListenerCursor.objects.select_for_update().get(source=source)
    return cursor


def read_cursor(source: str) -> ListenerCursor:
    """The cursor row of `source` as stored (an unsaved one at seq 0 before the first event)."""
    return ListenerCursor.objects.filter(source=source).first() or ListenerCursor(source=source)


def save_state(source: str, connected: bool, error: str = "") -> None:
    """Record whether `source`'s listener is connected, and its error.

    Connecting clears an error that is over (a lost connection), not one an operator has yet to
    act on: events still parked as dead letters. While the listener needs a resync, the error says
    which events are gone and what to run, until `events resync` clears it: nothing replaces it.
    """
    cursor, _ = ListenerCursor.objects.get_or_create(source=source)
    cursor.connected = connected
    if cursor.needs_resync:
        pass
    elif error:
        cursor.last_error = error
    elif connected and not has_parked(source):
        cursor.last_error = ""
    cursor.save(update_fields=["connected", "last_error", "date_modified"])


def has_parked(source: str) -> bool:
    """Whether events of `source` are parked as dead letters, waiting for an operator."""
    return DeadLetter.objects.filter(source=source, state=DeadLetter.States.PARKED).exists()


def parked_resolved(source: str) -> None:
    """Once no event of `source` is parked any more, its "parked seq ..." error is over: clear it."""
    if not has_parked(source):
        ListenerCursor.objects.filter(source=source, last_error__startswith=PARKED_NOTICE).update(last_error="")


def save_hub_seq(source: str, hub_seq: int) -> None:
    """Note the hub's last seq as the listener heard it (a Sync), when it is news."""
    ListenerCursor.objects.filter(source=source, hub_seq__lt=hub_seq).update(hub_seq=hub_seq)


def mark_needs_resync(source: str, error: str) -> None:
    """Flag `source`: the events after its cursor are gone from the hub's log; replaying cannot help."""
    ListenerCursor.objects.filter(source=source).update(needs_resync=True, last_error=error)


def resync(source: str, seq: int) -> ListenerCursor:
    """Move `source`'s cursor to `seq` and clear `needs_resync`: an operator's decision, after reconciling."""
    with transaction.atomic():
        cursor = lock_cursor(source)
        cursor.seq, cursor.needs_resync, cursor.last_error = seq, False, ""
        cursor.save(update_fields=["seq", "needs_resync", "last_error", "date_modified"])
    return cursor
