"""Parked events resolved by an operator: `events retry|skip|list|resync`, each retry applied at most once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from distributed_core.events.listeners import apply_batch, retry_dead_letter, skip_dead_letter
from distributed_core.exceptions import ApplicationError, Conflict, NotFound
from distributed_core.models import DeadLetter, Event, ListenerCursor

from .testapp.models import Note
from .testapp.sagas import NoteSaga

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "remote/note"


@pytest.fixture(autouse=True)
def listeners(settings):
    saga = "distributed_core.tests.testapp.sagas.NoteSaga"
    settings.DD_LISTENERS = [{"source": "remote", "hub": "note", "saga": saga}]


def park(seq: int = 1, **data) -> DeadLetter:
    """Park an event the way a listener does: it fails its last try inside apply_batch."""
    event = {"id": 100 + seq, "seq": seq, "data": {"poison": True, **data}, "message": ""}
    apply_batch(SOURCE, [("OnAdd", event)], NoteSaga(), max_attempts=1)
    return DeadLetter.objects.get(source=SOURCE, seq=seq)


def cure(letter: DeadLetter) -> None:
    """The cause is fixed (here: the event no longer poisons the saga)."""
    letter.event = {**letter.event, "data": {"title": "fixed"}}
    letter.save(update_fields=["event"])


def manage(*args: str) -> str:
    out = io.StringIO()
    call_command("events", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_retry_applies_the_event_once_and_marks_it_retried():
    letter = park()
    cure(letter)
    retried = retry_dead_letter(letter.pk)
    assert retried.state == "retried" and retried.date_resolved is not None
    assert list(Note.objects.values_list("remote_id", flat=True)) == [101]
    assert Event.objects.filter(hub="note").count() == 1  # the saga's own announcement, once
    with pytest.raises(Conflict, match="already retried"):
        retry_dead_letter(letter.pk)
    assert Note.objects.count() == 1


def test_a_retry_that_fails_again_keeps_it_parked_with_one_more_attempt():
    letter = park()
    with pytest.raises(ApplicationError, match="failed again: RuntimeError: poisoned event 1"):
        retry_dead_letter(letter.pk)
    letter.refresh_from_db()
    assert (letter.state, letter.attempts) == ("parked", 2) and not Note.objects.exists()


def test_skip_closes_it_without_applying_it():
    letter = park()
    assert skip_dead_letter(letter.pk).state == "skipped"
    assert not Note.objects.exists()
    with pytest.raises(NotFound):
        skip_dead_letter(letter.pk + 100)


def test_the_events_command_lists_retries_and_skips():
    first, second = park(1), park(2)
    listing = manage("list")
    assert f"{first.pk:>6}  {SOURCE}  seq 1  OnAdd  1 attempt(s)  parked  RuntimeError: poisoned event 1" in listing
    assert "seq 2" in listing
    cure(first)
    assert "retried" in manage("retry", str(first.pk))
    assert "skipped" in manage("skip", str(second.pk))
    assert manage("list") == "No parked events.\n"
    assert "seq 1" in manage("list", "--all")
    with pytest.raises(CommandError, match="1 of 1 dead letter"):
        manage("retry", str(first.pk))


def test_the_events_command_resyncs_a_cursor():
    ListenerCursor.objects.create(source=SOURCE, seq=3, needs_resync=True, last_error="needs resync: ...")
    assert "cursor at 40" in manage("resync", SOURCE, "--to", "40")
    cursor = ListenerCursor.objects.get(source=SOURCE)
    assert (cursor.seq, cursor.needs_resync, cursor.last_error) == (40, False, "")
    with pytest.raises(CommandError, match="No listener cursor for elsewhere/hub"):
        manage("resync", "elsewhere/hub", "--to", "1")


def last_error() -> str:
    return ListenerCursor.objects.get(source=SOURCE).last_error


def test_the_parked_notice_outlives_a_reconnect_and_goes_once_nothing_is_parked():
    from distributed_core.events.listeners.cursor import save_state

    first, second = park(1), park(2)
    assert last_error().startswith("parked seq 2")
    save_state(SOURCE, connected=True)  # a listener reconnecting does not hide what waits for an operator
    assert last_error().startswith("parked seq 2")
    cure(first)
    retry_dead_letter(first.pk)
    assert last_error().startswith("parked seq 2")  # one is still parked
    skip_dead_letter(second.pk)
    assert last_error() == ""


def test_a_needed_resync_stays_in_the_status_across_reconnects():
    from distributed_core.events.listeners.cursor import mark_needs_resync, save_state

    save_state(SOURCE, connected=True)
    mark_needs_resync(SOURCE, "needs resync: the hub no longer has events 1..3")
    save_state(SOURCE, connected=False, error="connection lost")
    save_state(SOURCE, connected=True)
    assert last_error() == "needs resync: the hub no longer has events 1..3"
    cursor = ListenerCursor.objects.get(source=SOURCE)
    assert cursor.needs_resync and cursor.connected
