"""Sagas: the system-driven write side of a node, reacting to events from other nodes.

    class PaymentSaga(EntitySaga):
        contract = PaymentData    # what the events' data is read as (a contract type)

        @handles("OnAdd")
        def payment_added(self, event: EventMessage[PaymentData]) -> None: ...

A saga declares one method per event target it handles. The EventListener calls `handle()`
inside the transaction that also advances its cursor, so a saga method runs exactly once per
event; it receives the event with its data already read as the contract type. What it changes
it announces through `announce()`, on the hub declared for the changed entity's model (or the one
its `hub` names), i.e. through the same event log as a Command.

A listener applies events in batches, and a saga can make a batch cheap: `handle_batch()`
applies a run of events in one go, and within it `locked()` serves rows that `prefetch()`
locked for the whole batch with one query (`lock_all()`), `save()` writes each changed row once
at the end, and `announce()` logs every announcement with one seq allocation. Outside a batch
(a retry, a test) the same calls lock, write and log at once, so the handlers are written once:

    def prefetch(self, messages):                        # one query for the batch's invoices
        self.lock_all(Invoice, {m.data.invoice_id for m in messages})

    @handles("OnAdd")
    def payment_added(self, event):
        invoice = self.locked(Invoice, event.data.invoice_id)
        invoice.payment_id = event.id
        self.save(invoice, "payment_id")
        self.announce("OnUpdate", invoice, f"Invoice {invoice.pk} paid")

If anything raises inside `handle_batch()`, the listener rolls the batch back and applies its
events one by one instead (each in a savepoint), so a batch never changes what commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from .events.log import Cause, Hub, applied_source, caused_by, hub_name, hubs, new_trace_id, record_event
from .saga_batch import SagaBatch

__all__ = ["EntitySaga", "EventMessage", "handles"]

T = TypeVar("T")


@dataclass(frozen=True)
class EventMessage(Generic[T]):
    """One event as a saga receives it: the entity `id`, its `seq`, the `message` and the `data` (a contract).

    `trace_id` is the trace the event belongs to (its `traceId`, "" when it carries none) and
    `date` when its change was made (its data's `dateModified`, None when it has none).
    """

    id: int | None
    seq: int
    message: str
    data: T | None
    trace_id: str = ""
    date: str | None = None


def handles(target: str) -> Callable[[Callable], Callable]:
    """Declare the decorated saga method the handler of events with `target` (`"OnAdd"`, ...)."""

    def declare(method: Callable) -> Callable:
        method.event_target = target
        return method

    return declare


class EntitySaga:
    """Base of sagas. Subclasses set `contract` (a type with `from_wire(dict)`) and `@handles` methods.

    `hub` names the hub its announcements go to; None (the default): the hub declared for each
    announced entity's model.
    """

    hub: Hub | str | None = None
    contract: Any = None
    targets: dict[str, str] = {}  # event target -> the name of its `@handles` method (found once per class)
    batch: SagaBatch | None = None  # set while `handle_batch()` runs

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.targets = {}
        for name in dir(cls):
            target = getattr(getattr(cls, name, None), "event_target", None)
            if target is not None:
                cls.targets[target] = name

    def handle(self, target: str, argument: dict[str, Any]) -> None:
        """Apply one remote event (`{id, seq, data, message}` as the hub sends it); other targets are ignored."""
        self.dispatch(target, self.read(argument))

    def handle_batch(self, deliveries: list[tuple[str, dict[str, Any]]]) -> None:
        """Apply consecutive events at once, to the effect of handling each in order (see the module doc)."""
        messages = [(target, self.read(argument)) for target, argument in deliveries]
        self.batch = SagaBatch()
        try:
            self.prefetch([message for target, message in messages if target in self.targets])
            for target, message in messages:
                self.dispatch(target, message)
            self.batch.flush()
        finally:
            self.batch = None

    def dispatch(self, target: str, message: EventMessage) -> None:
        """Call the `@handles(target)` method with the read event; nothing for a target it does not handle.

        What the method records is caused by the event: it continues the event's trace, and names
        the event (`{node, hub, seq, ...}`) as its cause when a listener is applying it.
        """
        name = self.targets.get(target)
        if name is not None:
            with caused_by(self.cause_of(target, message)):
                getattr(self, name)(message)

    def cause_of(self, target: str, message: EventMessage) -> Cause:
        """The cause of what handling `message` records: its trace, and the remote event itself."""
        source = applied_source()
        trace_id = message.trace_id or new_trace_id()  # one that carried none: its effects start one, together
        if source is None:
            return Cause(trace_id=trace_id)
        node, _, hub = source.rpartition("/")
        event = {"node": node, "hub": hub, "seq": message.seq, "target": target, "message": message.message}
        actor, at = self.actor_of(message), message.date
        event.update({key: value for key, value in (("actor", actor), ("at", at)) if value})
        if message.trace_id:
            event["traceId"] = message.trace_id
        return Cause(trace_id=trace_id, source=event)

    def actor_of(self, message: EventMessage) -> str | None:
        """Who acted in the remote event (for the timeline); None by default, a saga reads it from its contract."""
        return None

    def prefetch(self, messages: list[EventMessage]) -> None:
        """Lock, with `lock_all()`, the rows a batch's events will change; by default nothing is fetched ahead."""

    def lock_all(self, model: type[models.Model], pks: set[Any]) -> dict[Any, models.Model]:
        """Lock the rows of `model` with these pks, in one query; in a batch they stay at hand for `locked()`."""
        if self.batch is not None:
            return self.batch.lock_all(model, pks)
        return {row.pk: row for row in model.objects.select_for_update().filter(pk__in=pks)}

    def locked(self, model: type[models.Model], pk: Any) -> Any:
        """The row of `model` with this pk, locked until commit (None if there is none)."""
        if pk is None:
            return None
        return self.lock_all(model, {pk}).get(pk)

    def save(self, entity: models.Model, *fields: str) -> None:
        """Write `fields` of `entity` (every field when none is named): now, or once at the end of a batch."""
        if self.batch is not None and fields and entity.pk is not None:
            self.batch.save(entity, fields)
        else:  # an Entity adds the fields its `on_saving()` stamps (`saving_fields`)
            entity.save(update_fields=list(fields) or None)

    def read(self, argument: dict[str, Any]) -> EventMessage:
        """The event argument as an EventMessage, its data read as `contract` (kept as a dict without one)."""
        data = raw = argument.get("data")
        if data is not None and self.contract is not None:
            data = self.contract.from_wire(data)
        trace_id = argument.get("traceId")
        return EventMessage(
            id=argument.get("id"),
            seq=argument["seq"],
            message=argument.get("message", ""),
            data=data,
            trace_id=trace_id if isinstance(trace_id, str) else "",
            date=raw.get("dateModified") if isinstance(raw, dict) else None,
        )

    def announce(self, target: str, entity: models.Model, message: str) -> None:
        """Log an event on this saga's hub (or `entity`'s), in the current transaction (published after commit)."""
        hub = self.hub if self.hub is not None else hubs.for_model(type(entity))
        if hub is None:
            return
        if self.batch is not None:
            self.batch.announce(hub_name(hub), target, entity, message)
        else:
            record_event(hub, target, entity=entity, message=message)
