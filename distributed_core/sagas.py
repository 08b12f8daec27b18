"""Sagas: the system-driven write side of a node, reacting to events from other nodes.

    class PaymentSaga(EntitySaga):
        hub = "invoice"           # where its own changes are announced
        contract = PaymentData    # what the events' data is read as (a contract type)

        @handles("OnAdd")
        def payment_added(self, event: EventMessage[PaymentData]) -> None: ...

A saga declares one method per event target it handles. The EventListener calls `handle()`
inside the transaction that also advances its cursor, so a saga method runs exactly once per
event; it receives the event with its data already read as the contract type. What it changes
it announces on its own hub through `announce()`, i.e. through the same event log as a Command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from .events.log import record_event

__all__ = ["EntitySaga", "EventMessage", "handles"]

T = TypeVar("T")


@dataclass(frozen=True)
class EventMessage(Generic[T]):
    """One event as a saga receives it: the entity `id`, its `seq`, the `message` and the `data` (a contract)."""

    id: int | None
    seq: int
    message: str
    data: T | None


def handles(target: str) -> Callable[[Callable], Callable]:
    """Declare the decorated saga method the handler of events with `target` (`"OnAdd"`, ...)."""

    def declare(method: Callable) -> Callable:
        method.event_target = target
        return method

    return declare


class EntitySaga:
    """Base of sagas. Subclasses set `hub`, `contract` (a type with `from_wire(dict)`), and `@handles` methods."""

    hub: str | None = None
    contract: Any = None
    targets: dict[str, str] = {}  # event target -> the name of its `@handles` method (found once per class)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.targets = {}
        for name in dir(cls):
            target = getattr(getattr(cls, name, None), "event_target", None)
            if target is not None:
                cls.targets[target] = name

    def handle(self, target: str, argument: dict[str, Any]) -> None:
        """Apply one remote event (`{id, seq, data, message}` as the hub sends it); other targets are ignored."""
        name = self.targets.get(target)
        if name is not None:
            getattr(self, name)(self.read(argument))

    def read(self, argument: dict[str, Any]) -> EventMessage:
        """The event argument as an EventMessage, its data read as `contract` (kept as a dict without one)."""
        data = argument.get("data")
        if data is not None and self.contract is not None:
            data = self.contract.from_wire(data)
        return EventMessage(id=argument.get("id"), seq=argument["seq"], message=argument.get("message", ""), data=data)

    def announce(self, target: str, entity: models.Model, message: str) -> None:
        """Log an event on this saga's hub, in the current transaction (published after commit)."""
        if self.hub:
            record_event(self.hub, target, entity=entity, message=message)
