"""Write events to the log inside the caller's transaction; push them to the hub after commit.

    record_event("invoice", "OnUpdate", entity=invoice, message="Invoice 3 paid")

must run inside `transaction.atomic()`: the event gets the next seq of its hub (the hub's
sequence row stays locked until commit, so seq order is commit order), and a rolled-back
transaction leaves neither the change nor its event. Only `on_commit` hands it to the
channel layer (`publisher.publish`: queued on the server's loop, the committing thread does not
wait); if the process dies in between, listeners still get it by replay: on their next
connect, at the next event (a gap), or at the hub's next `Sync`, which carries `last_seq`.

The sequence lock (`sequence.next_seq`) is every writer's one point of contention on a hub, so it is taken as late
and held as briefly as the guarantee allows: the payload is serialized and the row built
before it, and taking it and counting up is one statement.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from ...metrics import EVENTS_APPENDED
from ...models import Event
from ...serializers import serializer_for
from ...wire import to_wire
from .cause import current_cause
from .publisher import publish
from .registry import Hub, hub_name, hubs
from .sequence import next_seq

__all__ = ["entity_payload", "events_after", "record_event", "record_events", "stamp"]


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
    hub: Hub | str,
    target: str,
    *,
    entity: models.Model | None = None,
    entity_id: int | None = None,
    message: str = "",
    actor: str | None = None,
) -> Event:
    """Append an event to the log in the current transaction; publish it once that commits.

    `actor` is who acted (a username; None: nobody, e.g. a saga's follow-up); the event's trace id
    and cause are the ones in force (`cause.current_cause`).
    """
    event = Event(
        hub=hub_name(hub),
        target=target,
        entity_id=entity_id if entity_id is not None else getattr(entity, "pk", None),
        data=entity_payload(entity) if entity is not None else None,
        message=message,
        actor=actor or "",
    )
    stamp(event)
    return record_events(hub, [event])[0]


def stamp(event: Event) -> Event:
    """Give `event` the trace id and cause in force now (call it when the change it announces is made)."""
    cause = current_cause()
    event.trace_id = cause.trace_id
    event.cause = cause.as_record()
    return event


def record_events(hub: Hub | str, events: list[Event]) -> list[Event]:
    """Append `events` (unsaved, in order) to `hub`'s log at once: one seq allocation, one insert.

    What `record_event` does for one event, for a saga's whole batch: the events get consecutive
    seqs, in the current transaction, and are published once it commits. Each keeps the trace id
    and cause it was given (`stamp`, when its change was made): a batch's events each have their
    own. A hub this node does not serve (not declared, or a remote node's) is refused: nobody could
    follow what it logs.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() must run inside the transaction of the change it announces")
    hub = hub_name(hub)
    if not hubs.serves(hub):
        served = ", ".join(sorted(hubs.served_names())) or "none"
        raise ImproperlyConfigured(f"No hub named '{hub}' is served by this node (it serves: {served}); declare it")
    if not events:
        return events
    last = next_seq(hub, len(events))  # from here until commit, the hub's other writers wait
    for offset, event in enumerate(events, start=last - len(events) + 1):
        event.hub, event.seq = hub, offset
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        Event.objects.bulk_create(events)
    transaction.on_commit(lambda: _committed(hub, events))
    return events


def _committed(hub: str, events: list[Event]) -> None:
    EVENTS_APPENDED.labels(hub).inc(len(events))
    for event in events:
        publish(event)


def events_after(hub: str, since: int, limit: int = 1000) -> list[Event]:
    """Up to `limit` logged events of `hub` after seq `since`, in seq order."""
    return list(Event.objects.filter(hub=hub, seq__gt=since).order_by("seq")[:limit])
