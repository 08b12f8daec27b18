"""Write events to the log inside the caller's transaction; push them to the hub after commit.

    record_event("invoice", "OnUpdate", entity=invoice, message="Invoice 3 paid")

must run inside `transaction.atomic()`: the event gets the next seq of its hub (the hub's
sequence row stays locked until commit, so seq order is commit order), and a rolled-back
transaction leaves neither the change nor its event. Only `on_commit` hands it to the
channel layer (`publisher`: queued on the server's loop, the committing thread does not
wait); if the process dies in between, listeners still get it by replay: on their next
connect, at the next event (a gap), or at the hub's next `Sync`, which carries `last_seq`.

The sequence lock is every writer's one point of contention on a hub, so it is taken as late
and held as briefly as the guarantee allows: the payload is serialized and the row built
before it, and taking it and counting up is one statement.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F

from ..api.serializers import serializer_for
from ..models import Event, HubSequence
from ..wire import to_wire
from .protocol import encode, invocation
from .publisher import publisher

__all__ = [
    "entity_payload",
    "events_after",
    "group_name",
    "last_seq",
    "next_seq",
    "publish",
    "record_event",
    "record_events",
]

logger = logging.getLogger("distributed_core.events")


def group_name(hub: str) -> str:
    """The channel-layer group of `hub`'s connections (`events.<hub>`)."""
    return f"events.{hub}"


def entity_payload(entity: models.Model) -> dict[str, Any]:
    """The entity as an event carries it: what its wire serializer makes, camel-cased, nulls omitted.

    The same serializer answers the HTTP API, so an event and an answer cannot drift apart.
    Building a serializer's fields costs more than using them, so each thread keeps one
    serializer per model and only asks it for each entity's representation.
    """
    return to_wire(_wire_serializer(type(entity)).to_representation(entity))


_serializers = threading.local()


def _wire_serializer(model: type[models.Model]) -> Any:
    """This thread's serializer of `model`'s wire shape (made once; `to_representation` keeps no state)."""
    cache = _serializers.__dict__.setdefault("by_model", {})
    serializer = cache.get(model)
    if serializer is None:
        serializer = cache[model] = serializer_for(model)()
    return serializer


def record_event(
    hub: str, target: str, *, entity: models.Model | None = None, entity_id: int | None = None, message: str = ""
) -> Event:
    """Append an event to the log in the current transaction; publish it once that commits."""
    event = Event(
        hub=hub,
        target=target,
        entity_id=entity_id if entity_id is not None else getattr(entity, "pk", None),
        data=entity_payload(entity) if entity is not None else None,
        message=message,
    )
    return record_events(hub, [event])[0]


def record_events(hub: str, events: list[Event]) -> list[Event]:
    """Append `events` (unsaved, in order) to `hub`'s log at once: one seq allocation, one insert.

    What `record_event` does for one event, for a saga's whole batch: the events get consecutive
    seqs, in the current transaction, and are published once it commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() must run inside the transaction of the change it announces")
    if not events:
        return events
    last = next_seq(hub, len(events))  # from here until commit, the hub's other writers wait
    for offset, event in enumerate(events, start=last - len(events) + 1):
        event.hub, event.seq = hub, offset
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        Event.objects.bulk_create(events)
    transaction.on_commit(lambda: [publish(event) for event in events])
    return events


def next_seq(hub: str, count: int = 1) -> int:
    """Count `hub`'s sequence up by `count` and return the new last seq; its row stays locked until commit."""
    if _update_returning():
        table = connection.ops.quote_name(HubSequence._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_seq = last_seq + %s WHERE hub = %s RETURNING last_seq", [count, hub]
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
    elif HubSequence.objects.filter(hub=hub).update(last_seq=F("last_seq") + count):
        return HubSequence.objects.filter(hub=hub).values_list("last_seq", flat=True).get()
    HubSequence.objects.get_or_create(hub=hub)  # the hub's first event: its row, made once
    return next_seq(hub, count)


def _update_returning() -> bool:
    """Whether the database answers `UPDATE ... RETURNING` (PostgreSQL; SQLite 3.35+): one round trip, not two."""
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 35)
    )


def publish(event: Event) -> None:
    """Push a committed event to everyone connected to its hub (best effort: the log is the truth)."""
    record = encode(invocation(event.target, [event.as_argument()]))
    try:
        publisher.publish(group_name(event.hub), {"type": "hub.event", "record": record})
    except Exception:  # the event is safe in the log; listeners catch up by replay
        logger.exception("Could not publish %s; listeners will replay it", event)


_last_seq_cache: dict[str, tuple[float, int]] = {}


def last_seq(hub: str, max_age: float = 1.0) -> int:
    """The hub's last logged seq, read at most once per `max_age` seconds per process (for Sync)."""
    now = time.monotonic()
    cached = _last_seq_cache.get(hub)
    if cached is None or now - cached[0] > max_age:
        sequence = HubSequence.objects.filter(hub=hub).first()
        cached = _last_seq_cache[hub] = (now, sequence.last_seq if sequence else 0)
    return cached[1]


def events_after(hub: str, since: int, limit: int = 1000) -> list[Event]:
    """Up to `limit` logged events of `hub` after seq `since`, in seq order."""
    return list(Event.objects.filter(hub=hub, seq__gt=since).order_by("seq")[:limit])
