"""apply_batch: one transaction per batch, each event once, in seq order; a failing event isolated by its savepoint."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from distributed_core.events.listeners import Outcome, apply_batch, apply_event
from distributed_core.events.log import record
from distributed_core.models import DeadLetter, Event, ListenerCursor

from .testapp.models import Note
from .testapp.sagas import NoteSaga

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "remote/note"


def event(seq: int, **data) -> tuple[str, dict]:
    return "OnAdd", {"id": 100 + seq, "seq": seq, "data": data, "message": ""}


def copied() -> list[int]:
    return sorted(Note.objects.values_list("remote_id", flat=True))


def test_events_are_applied_in_seq_order_duplicates_skipped_and_the_batch_stops_at_a_gap():
    result = apply_batch(SOURCE, [event(3), event(1), event(2), event(2), event(5)], NoteSaga())
    assert (result.cursor, result.applied, result.duplicates, result.gap_after) == (3, 3, 1, 3)
    assert copied() == [101, 102, 103]
    assert ListenerCursor.objects.get(source=SOURCE).seq == 3
    again = apply_batch(SOURCE, [event(1), event(3), event(4)], NoteSaga())
    assert (again.cursor, again.applied, again.duplicates) == (4, 1, 2)
    assert copied() == [101, 102, 103, 104]


def test_the_cursor_is_written_once_per_batch():
    apply_batch(SOURCE, [event(1)], NoteSaga())  # the cursor row exists from here on
    with CaptureQueriesContext(connection) as queries:
        apply_batch(SOURCE, [event(seq) for seq in range(2, 52)], NoteSaga())
    cursor_writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "listenercursor" in q["sql"]]
    assert len(cursor_writes) == 1, cursor_writes
    assert ListenerCursor.objects.get(source=SOURCE).seq == 51


def test_a_failing_event_loses_only_its_own_effects_and_stops_the_batch_before_it():
    result = apply_batch(SOURCE, [event(1), event(2, poison=True), event(3)], NoteSaga())
    assert result.failure is not None and (result.failure.seq, result.failure.attempts) == (2, 1)
    assert "poisoned event 2" in result.failure.description
    assert (result.cursor, result.applied) == (1, 1)
    assert copied() == [101]  # event 1 committed; event 2's note rolled back; event 3 waits
    assert list(Event.objects.filter(hub="note").values_list("seq", flat=True)) == [1]  # nor its announcement
    assert "seq 2 OnAdd: RuntimeError: poisoned event 2 (attempt 1)" in ListenerCursor.objects.get().last_error


def test_an_event_failing_its_last_try_is_parked_and_the_batch_goes_on():
    result = apply_batch(SOURCE, [event(1), event(2, poison=True), event(3)], NoteSaga(), {2: 2}, max_attempts=3)
    assert (result.cursor, result.parked, result.failure) == (3, [2], None)
    assert copied() == [101, 103]
    letter = DeadLetter.objects.get()
    assert (letter.source, letter.seq, letter.attempts, letter.state) == (SOURCE, 2, 3, "parked")
    assert letter.event == event(2, poison=True)[1] and "RuntimeError: poisoned event 2" in letter.error


def test_what_the_saga_announces_is_published_after_the_batch_commits(monkeypatch):
    published = []

    def publish(event: Event) -> None:
        assert not connection.in_atomic_block, "published before the batch committed"
        published.append(event.seq)

    monkeypatch.setattr(record, "publish", publish)
    apply_batch(SOURCE, [event(1), event(2, poison=True), event(3)], NoteSaga(), {2: 4}, max_attempts=5)
    assert published == [1, 2]  # the saga's own events for remote seqs 1 and 3; none for the parked one
    assert list(Event.objects.filter(hub="note").values_list("seq", flat=True)) == [1, 2]


def test_the_hub_seq_heard_is_kept_for_the_lag():
    apply_batch(SOURCE, [event(1)], NoteSaga(), hub_seq=7)
    cursor = ListenerCursor.objects.get(source=SOURCE)
    assert (cursor.seq, cursor.hub_seq, cursor.lag) == (1, 7, 6)


def test_apply_event_raises_the_sagas_error_and_keeps_the_cursor():
    assert apply_event(SOURCE, *event(1), NoteSaga()) is Outcome.APPLIED
    with pytest.raises(RuntimeError, match="poisoned event 2"):
        apply_event(SOURCE, *event(2, poison=True), NoteSaga())
    assert apply_event(SOURCE, *event(1), NoteSaga()) is Outcome.DUPLICATE
    assert apply_event(SOURCE, *event(4), NoteSaga()) is Outcome.GAP
    assert ListenerCursor.objects.get(source=SOURCE).seq == 1 and copied() == [101]
