"""Why an event happened: the trace id and cause each recorded event keeps, one per event even in a batch."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.db import transaction

from distributed_core.events.listeners import apply_batch
from distributed_core.events.log import Cause, caused_by, current_trace_id, record_event
from distributed_core.models import Event
from distributed_core.observability.logs import JsonFormatter, TraceIdFilter

from .testapp.models import Note
from .testapp.sagas import RenameSaga

pytestmark = pytest.mark.django_db(transaction=True)

TRACE_A, TRACE_B = "a" * 32, "b" * 32


def test_an_event_keeps_the_cause_and_actor_it_was_recorded_with():
    note = Note.objects.create(title="t", value="v")
    with caused_by(Cause(trace_id=TRACE_A, request="POST /api/note/save")), transaction.atomic():
        event = record_event("note", "OnUpdate", entity=note, message="updated", actor="alice")
    stored = Event.objects.get(pk=event.pk)
    assert (stored.trace_id, stored.actor, stored.cause) == (TRACE_A, "alice", {"request": "POST /api/note/save"})
    assert stored.as_argument()["traceId"] == TRACE_A


def test_an_event_recorded_outside_any_trace_starts_one_of_its_own():
    with transaction.atomic():
        first = record_event("note", "OnUpdate", entity_id=1)
        second = record_event("note", "OnUpdate", entity_id=1)
    assert re.fullmatch("[0-9a-f]{32}", first.trace_id) and first.trace_id != "0" * 32
    assert second.trace_id != first.trace_id and first.cause is None
    assert first.as_argument()["traceId"] == first.trace_id
    first.trace_id = ""  # a row logged before events had trace ids: its hub message has none
    assert "traceId" not in first.as_argument()


def test_each_event_of_a_batch_keeps_its_own_trace_and_names_its_remote_cause():
    notes = [Note.objects.create(title=f"n{i}", value="v") for i in range(2)]
    deliveries = [
        ("OnRename", {"seq": 1, "data": {"note": notes[0].pk, "title": "x"}, "message": "one", "traceId": TRACE_A}),
        ("OnRename", {"seq": 2, "data": {"note": notes[1].pk, "title": "y"}, "message": "two", "traceId": TRACE_B}),
    ]
    assert apply_batch("billing/remote", deliveries, RenameSaga()).applied == 2
    events = list(Event.objects.filter(hub="note").order_by("seq"))
    assert [event.trace_id for event in events] == [TRACE_A, TRACE_B]
    assert [event.cause["event"] for event in events] == [
        {"node": "billing", "hub": "remote", "seq": 1, "target": "OnRename", "message": "one", "traceId": TRACE_A},
        {"node": "billing", "hub": "remote", "seq": 2, "target": "OnRename", "message": "two", "traceId": TRACE_B},
    ]


def test_the_effects_of_a_remote_event_without_a_trace_start_one():
    note = Note.objects.create(title="n", value="v")
    delivery = ("OnRename", {"seq": 1, "data": {"note": note.pk, "title": "x"}, "message": "from the original"})
    assert apply_batch("billing/remote", [delivery], RenameSaga()).applied == 1
    [event] = Event.objects.filter(hub="note")
    assert re.fullmatch("[0-9a-f]{32}", event.trace_id) and "traceId" not in event.cause["event"]


def test_log_lines_carry_the_trace_id_and_json_is_one_object_per_line():
    record = logging.LogRecord("distributed_core.x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    with caused_by(Cause(trace_id=TRACE_A)):
        assert current_trace_id() == TRACE_A
        TraceIdFilter().filter(record)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) | {"time": None} == {
        "time": None,
        "level": "INFO",
        "logger": "distributed_core.x",
        "message": "hello you",
        "traceId": TRACE_A,
    }


def test_a_listener_restarted_mid_stream_keeps_each_cause_right():
    notes = [Note.objects.create(title=f"n{i}", value="v") for i in range(4)]
    stream = [
        ("OnRename", {"seq": n + 1, "data": {"note": notes[n].pk, "title": f"t{n}"}, "traceId": f"{n + 1:032x}"})
        for n in range(4)
    ]
    apply_batch("billing/remote", stream[:2], RenameSaga())  # then the listener stops
    result = apply_batch("billing/remote", stream, RenameSaga())  # restarted: it replays from the start
    assert (result.duplicates, result.applied) == (2, 2)
    events = list(Event.objects.filter(hub="note").order_by("seq"))
    assert [(event.cause["event"]["seq"], event.trace_id) for event in events] == [
        (n + 1, f"{n + 1:032x}") for n in range(4)
    ]
