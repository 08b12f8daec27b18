"""Apply a remote hub's events through a saga, a batch per transaction, each event exactly once.

    result = apply_batch("payments/payment", events, PaymentSaga(), attempts={})

One transaction per batch: the listener's cursor row is locked, the saga applies the events
(`EntitySaga.handle_batch`, which may do it set-based), the cursor is written once at the end,
and what the saga announced is published after the commit (`record_event` defers it to
`on_commit`). An event at or below the cursor is a duplicate and changes nothing; one beyond
cursor + 1 is a gap, and the batch stops there.

A saga that raises loses only its own event's effects: the batch is rolled back and applied
again one event at a time, each in a savepoint. Events after the failing one wait: the batch
commits what came before and reports the failure, and the listener tries the event again after
a pause. An event that has failed `max_attempts` times is parked as a
`DeadLetter` instead, in the same transaction that moves the cursor past it, so the batch goes
on. Either way each event's effect is committed at most once, together with its cursor step.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...models import DeadLetter, ListenerCursor
from ...sagas import EntitySaga
from ..log import applying_from
from .cursor import PARKED_NOTICE, lock_cursor

__all__ = ["BatchResult", "Failure", "Outcome", "apply_batch", "apply_event", "failure_summary", "failure_text"]

logger = logging.getLogger("distributed_core.events")

Delivery = tuple[str, dict[str, Any]]  # (target, argument) as the hub sent it


class Outcome(str, Enum):
    """What `apply_event` did with an event: applied it, skipped a duplicate, or found a gap."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"
    GAP = "gap"


@dataclass(frozen=True)
class Failure:
    """The event a saga failed on and will be tried again: its seq, how many tries so far, the error."""

    seq: int
    attempts: int
    error: BaseException
    description: str  # for the status page: which event, which try, what went wrong


@dataclass
class BatchResult:
    """What one `apply_batch` did: the cursor it left, and what became of the events it was given."""

    cursor: int
    applied: int = 0
    duplicates: int = 0
    parked: list[int] = field(default_factory=list)
    failure: Failure | None = None  # the batch stopped before this event: try it again later
    gap_after: int | None = None  # the batch stopped at a gap: events after this seq are missing
    needs_resync: bool = False  # the cursor row says the hub's log has lost events after the cursor


def apply_batch(
    source: str,
    deliveries: Iterable[Delivery],
    saga: EntitySaga,
    attempts: Mapping[int, int] | None = None,
    max_attempts: int | None = None,
    hub_seq: int = 0,
) -> BatchResult:
    """Apply `deliveries` in seq order through `saga` and advance `source`'s cursor, in one transaction.

    `attempts` says how many times an event (by seq) has failed already; one that fails again
    and so reaches `max_attempts` is parked (never, when it is None: the failure is reported).
    `hub_seq` is the hub's last seq as the listener heard it, kept on the cursor row for the
    status page.

    Sagas rarely fail, so the batch is first handed to the saga whole (`handle_batch`: one
    pass, no savepoints, the saga may work set-based); if it raises, that transaction is rolled
    back and the batch is applied again event by event, each in a savepoint of its own. The
    effects that commit are the same either way.
    """
    ordered = sorted(deliveries, key=lambda delivery: delivery[1]["seq"])
    with applying_from(source):  # what the saga records names the event it applies as its cause
        try:
            return _apply_whole(source, ordered, saga, hub_seq)
        except _SagaFailed:
            return _apply_one_by_one(source, ordered, saga, attempts or {}, max_attempts, hub_seq)


class _SagaFailed(Exception):
    """A saga raised on a batch handed over whole: roll it all back, apply it again event by event."""


def _apply_whole(source: str, ordered: list[Delivery], saga: EntitySaga, hub_seq: int) -> BatchResult:
    with transaction.atomic():
        cursor = lock_cursor(source)
        result = BatchResult(cursor=cursor.seq, needs_resync=cursor.needs_resync)
        run = []
        for delivery in ordered:
            seq = delivery[1]["seq"]
            if seq <= result.cursor:
                result.duplicates += 1
            elif seq > result.cursor + 1:
                result.gap_after = result.cursor
                break
            else:
                run.append(delivery)
                result.cursor = seq
        if run:
            try:
                saga.handle_batch(run)
            except Exception as error:  # applied again below, event by event in savepoints
                raise _SagaFailed from error
        result.applied = len(run)
        _save(cursor, result, hub_seq)
    return result


def _apply_one_by_one(
    source: str,
    ordered: list[Delivery],
    saga: EntitySaga,
    attempts: Mapping[int, int],
    max_attempts: int | None,
    hub_seq: int,
) -> BatchResult:
    with transaction.atomic():
        cursor = lock_cursor(source)
        result = BatchResult(cursor=cursor.seq, needs_resync=cursor.needs_resync)
        for target, event in ordered:
            seq = event["seq"]
            if seq <= result.cursor:
                result.duplicates += 1
                continue
            if seq > result.cursor + 1:
                result.gap_after = result.cursor
                break
            error = _run_saga(saga, target, event)
            if error is not None:
                tries = attempts.get(seq, 0) + 1
                if max_attempts is None or tries < max_attempts:
                    of = f" of {max_attempts}" if max_attempts else ""
                    description = f"seq {seq} {target}: {failure_summary(error)} (attempt {tries}{of})"
                    result.failure = Failure(seq, tries, error, description)
                    break
                _park(source, target, event, error, tries)
                result.parked.append(seq)
            else:
                result.applied += 1
            result.cursor = seq
        _save(cursor, result, hub_seq)
    return result


def apply_event(source: str, target: str, event: dict[str, Any], saga: EntitySaga) -> Outcome:
    """Apply one event and advance the cursor in one transaction; a saga error rolls it back and is raised."""
    result = apply_batch(source, [(target, event)], saga)
    if result.failure is not None:
        raise result.failure.error
    if result.gap_after is not None:
        return Outcome.GAP
    return Outcome.APPLIED if result.applied else Outcome.DUPLICATE


def _run_saga(saga: EntitySaga, target: str, event: dict[str, Any]) -> BaseException | None:
    """Run the saga on one event in a savepoint: its effects stay only if it returns."""
    try:
        with transaction.atomic():
            saga.handle(target, event)
    except Exception as error:  # any saga failure is isolated to its event; the listener decides what next
        return error
    return None


def failure_summary(error: BaseException) -> str:
    """The failure in one line: the exception's type and the first line of its message."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def failure_text(error: BaseException) -> str:
    """What a dead letter keeps of a failure: the one-line summary (`events list` shows it), then the traceback."""
    return f"{failure_summary(error)}\n\n{''.join(traceback.format_exception(error))}"


def _park(source: str, target: str, event: dict[str, Any], error: BaseException, attempts: int) -> None:
    """Keep the event as a dead letter (a re-parked seq, after a resync back, replaces the old row)."""
    text = failure_text(error)
    DeadLetter.objects.update_or_create(
        source=source,
        seq=event["seq"],
        defaults={
            "target": target,
            "event": event,
            "error": text,
            "attempts": attempts,
            "state": DeadLetter.States.PARKED,
            "date_resolved": None,
        },
    )
    logger.error(
        "Listener %s: parked seq %s %s after %s attempts", source, event["seq"], target, attempts, exc_info=error
    )


def _save(cursor: ListenerCursor, result: BatchResult, hub_seq: int) -> None:
    """Write the cursor once for the whole batch (only the columns that changed)."""
    fields = []
    if result.cursor != cursor.seq:
        cursor.seq = result.cursor
        cursor.last_event_at = timezone.now()
        fields += ["seq", "last_event_at"]
    if max(hub_seq, result.cursor) > cursor.hub_seq:
        cursor.hub_seq = max(hub_seq, result.cursor)
        fields.append("hub_seq")
    if result.failure is not None or result.parked:
        cursor.last_error = (
            result.failure.description
            if result.failure is not None
            else f"{PARKED_NOTICE}{', '.join(map(str, result.parked))} as dead letter(s): see `manage.py events list`"
        )
        fields.append("last_error")
    if fields:
        cursor.save(update_fields=[*fields, "date_modified"])
