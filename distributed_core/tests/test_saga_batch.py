"""A saga's batch: rows locked once, each changed row written once, announcements in order as they were made."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from distributed_core.events.listeners import apply_batch, apply_event
from distributed_core.models import Event

from .testapp.models import Note
from .testapp.sagas import RenameSaga

pytestmark = pytest.mark.django_db(transaction=True)


def renames(notes: list[Note], titles: list[tuple[int, str]], first_seq: int = 1) -> list[tuple[str, dict]]:
    return [
        ("OnRename", {"id": None, "seq": first_seq + n, "data": {"note": notes[i].pk, "title": title}, "message": ""})
        for n, (i, title) in enumerate(titles)
    ]


def outcome() -> tuple[dict[int, str], list[tuple[int, str, str]]]:
    titles = dict(Note.objects.values_list("pk", "title"))
    events = [(e.seq, e.message, e.data["title"]) for e in Event.objects.filter(hub="note").order_by("seq")]
    return titles, events


PLAN = [(0, "a"), (1, "b"), (0, "c"), (2, "d"), (0, "e")]


def test_a_batch_locks_once_writes_each_changed_row_once_and_announces_each_step():
    notes = [Note.objects.create(title=f"n{i}", value="v") for i in range(3)]
    with CaptureQueriesContext(connection) as queries:
        result = apply_batch("remote/note", renames(notes, PLAN), RenameSaga())
    assert result.applied == 5 and result.cursor == 5
    statements = [q["sql"] for q in queries if "testapp_note" in q["sql"]]
    assert sum(s.startswith("SELECT") for s in statements) == 1, statements
    assert [s for s in statements if not s.startswith("SELECT")] == [
        "3 times: " + """UPDATE "testapp_note" SET "date_modified" = %s, "title" = %s WHERE "id" = %s"""
    ]  # one statement, run for each changed row
    titles, events = outcome()
    assert titles == {notes[0].pk: "e", notes[1].pk: "b", notes[2].pk: "d"}
    assert [title for _, _, title in events] == ["a", "b", "c", "d", "e"]  # each as it was at its step
    assert [seq for seq, _, _ in events] == [1, 2, 3, 4, 5]


def test_one_by_one_the_same_calls_write_at_once_to_the_same_effect():
    notes = [Note.objects.create(title=f"n{i}", value="v") for i in range(3)]
    for target, event in renames(notes, PLAN):
        apply_event("remote/note", target, event, RenameSaga())
    titles, events = outcome()
    assert titles == {notes[0].pk: "e", notes[1].pk: "b", notes[2].pk: "d"}
    assert [(seq, title) for seq, _, title in events] == [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e")]


def test_a_batch_stamps_the_date_as_a_save_would():
    note = Note.objects.create(title="before", value="v")
    stamped = note.date_modified
    apply_batch("remote/note", renames([note], [(0, "after")]), RenameSaga())
    note.refresh_from_db()
    assert note.title == "after" and note.date_modified > stamped
