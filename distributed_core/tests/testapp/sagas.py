"""`NoteSaga`: copies a remote hub's notes, and can be told to fail (poison events, flaky failures)."""

from __future__ import annotations

import time

from distributed_core.sagas import EntitySaga, EventMessage, handles

from .models import Note


class NoteSaga(EntitySaga):
    """OnAdd makes a local Note (announced on its `note` hub); an event whose data says `poison` raises.

    `flaky` maps a seq to how many more times the saga fails on it before it works; `tries`
    records when each seq was tried, for the backoff tests. A try is an event applied on its own
    (a listener first hands a batch over whole, and applies it event by event only if that fails).
    """

    def __init__(self) -> None:
        self.flaky: dict[int, int] = {}
        self.tries: dict[int, list[float]] = {}

    @handles("OnAdd")
    def note_added(self, event: EventMessage[dict]) -> None:
        alone = self.batch is None
        if alone:
            self.tries.setdefault(event.seq, []).append(time.monotonic())
        note = Note.objects.create(title=event.data.get("title", ""), remote_id=event.id, value="copied")
        if event.data.get("poison"):
            raise RuntimeError(f"poisoned event {event.seq}")
        if self.flaky.get(event.seq, 0) > 0:
            self.flaky[event.seq] -= 1 if alone else 0
            raise RuntimeError(f"flaky failure on {event.seq}")
        self.announce("OnAdd", note, f"Note {note.pk} copied from {event.id}")


class RenameSaga(EntitySaga):
    """OnRename sets a local note's title (`data: {note, title}`), through the batch-aware calls."""

    def prefetch(self, messages: list[EventMessage[dict]]) -> None:
        self.lock_all(Note, {message.data["note"] for message in messages})

    @handles("OnRename")
    def renamed(self, event: EventMessage[dict]) -> None:
        note = self.locked(Note, event.data["note"])
        if note is None:
            return
        note.title = event.data["title"]
        self.save(note, "title")
        self.announce("OnUpdate", note, f"Note {note.pk} renamed {note.title}")
