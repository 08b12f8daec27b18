"""Write events to the log inside the caller's transaction; push them to the hub after commit.

    record_event("invoice", "OnUpdate", entity=invoice, message="Invoice 3 paid")

must run inside `transaction.atomic()`: the event gets the next seq of its hub (the hub's
sequence row stays locked until commit, so seq order is commit order), and a rolled-back
transaction leaves neither the change nor its event. Only `on_commit` hands it to the
channel layer; if the process dies in between, listeners still get it by replay: on their
next connect, at the next event (a gap), or at the hub's next `Sync`, which carries `last_seq`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import models, transaction

from ..api.serializers import serializer_for
from ..models import Event, HubSequence
from ..wire import to_wire
from .protocol import encode, invocation

__all__ = ["entity_payload", "events_after", "group_name", "last_seq", "publish", "record_event"]

logger = logging.getLogger("distributed_core.events")


def group_name(hub: str) -> str:
    """The channel-layer group of `hub`'s connections (`events.<hub>`)."""
    return f"events.{hub}"


def entity_payload(entity: models.Model) -> dict[str, Any]:
    """The entity as an event carries it: what its wire serializer makes, camel-cased, nulls omitted.

    The same serializer answers the HTTP API, so an event and an answer cannot drift apart.
    """
    return to_wire(serializer_for(type(entity))(entity).data)


def record_event(
    hub: str, target: str, *, entity: models.Model | None = None, entity_id: int | None = None, message: str = ""
) -> Event:
    """Append an event to the log in the current transaction; publish it once that commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() must run inside the transaction of the change it announces")
    sequence, _ = HubSequence.objects.select_for_update().get_or_create(hub=hub)
    sequence.last_seq += 1
    sequence.save(update_fields=["last_seq"])
    event = Event.objects.create(
        hub=hub,
        seq=sequence.last_seq,
        target=target,
        entity_id=entity_id if entity_id is not None else getattr(entity, "pk", None),
        data=entity_payload(entity) if entity is not None else None,
        message=message,
    )
    transaction.on_commit(lambda: publish(event))
    return event


def publish(event: Event) -> None:
    """Push a committed event to everyone connected to its hub (best effort: the log is the truth)."""
    record = encode(invocation(event.target, [event.as_argument()]))
    try:
        async_to_sync(get_channel_layer().group_send)(group_name(event.hub), {"type": "hub.event", "record": record})
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
