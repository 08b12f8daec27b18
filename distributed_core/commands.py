"""Commands: the user-driven write side of a node.

An `EntityCommand` owns the mutations of one entity type: `validate`, `save` (add when there is
no id, update otherwise) and `remove`, plus whatever domain actions a subclass adds. Each takes
ids and validated data, never a half-built model: it loads and locks the stored row itself, so
what it checks is what it writes. Each public method is one database transaction (`atomic()`),
preceded by its `prepare_*` hook (the place for calls to other nodes, outside any lock); inside
it, every write goes through `persist()`: the hooks, the write and the announcement, in one fixed
order. For a request sent with an `Idempotency-Key`, that transaction also stores the answer
(`distributed_core.idempotency`), so a use case opens it once, and calls no other node after it.
Who may write which field is the subclass's `policy` (see `distributed_core.policy`); who is
acting is its `actor` (the viewsets pass the signed-in user's name), for the records that say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal

from . import signals
from .events.log import Hub, hubs, record_event
from .exceptions import ApplicationError, Conflict, HookFailed, NotFound, ValidationFailed
from .idempotency import command_transaction
from .messages import ApiMessage, ValidationMessage
from .models import Entity
from .policy import WritePolicy

__all__ = ["EntityCommand"]

E = TypeVar("E", bound=Entity)


class EntityCommand(Generic[E]):
    """Validates, saves and removes one entity type, one transaction each.

    Subclasses set `model`, and may set `policy` (the fields clients may not freely write). Changes
    are announced (OnAdd, OnUpdate, OnRemove, through the event log, in the same transaction) on the
    hub declared for the model (`hub = Hub("invoice")` on it), or on the one `hub` names. They
    extend `get_validation_messages()` with their rules.
    """

    model: type[E]
    hub: Hub | str | None = None  # None: the hub declared for `model` (if any)
    policy: WritePolicy = WritePolicy()

    def __init__(self, actor: str | None = None) -> None:
        """A command acting for `actor`, the username it records as having done what it does (None: nobody)."""
        self.actor = actor

    # -- public use cases -------------------------------------------------------------------

    def validate(self, data: Mapping[str, Any], entity_id: int | None = None) -> ValidationMessage:
        """Every rule that saving `data` (on the entity `entity_id`, or a new one) would break; writes nothing."""
        stored = self.get(entity_id) if entity_id else None
        entity, refusals = self.policy.apply(self.get_model(), stored, data)
        return ValidationMessage(refusals + self.get_validation_messages(entity))

    def save(self, data: Mapping[str, Any], entity_id: int | None = None) -> ApiMessage[E]:
        """Add an entity from `data` when `entity_id` is None (or 0), else update the stored one with it."""
        if self.listened(signals.prepare_save):
            preview, _ = self.policy.apply(self.get_model(), self.get(entity_id) if entity_id else None, data)
            self.hook(signals.prepare_save, "prepare_save", preview)
        with self.atomic():
            stored = self.lock(entity_id) if entity_id else None
            entity, refusals = self.policy.apply(self.get_model(), stored, data)
            self.ensure_valid(entity, refusals)
            return self.persist(entity, adding=stored is None)

    def remove(self, entity_id: int) -> ApiMessage[int]:
        """Delete the stored entity `entity_id`; the answer carries the removed id."""
        self.prepare_removal(entity_id)
        with self.atomic():
            return self.delete(self.lock(entity_id))

    def prepare_removal(self, entity_id: int) -> None:
        """The prepare_remove hook, before any transaction (its receivers may call other nodes)."""
        if self.listened(signals.prepare_remove):
            self.hook(signals.prepare_remove, "prepare_remove", self.get(entity_id))

    def delete(self, entity: E) -> ApiMessage[int]:
        """Delete `entity`, locked in the caller's transaction, with its hooks, and announce it.

        remove() after its lock; domain actions that check the locked row first (e.g. a withdrawal)
        call prepare_removal() before their transaction and this inside it.
        """
        entity_id = entity.pk
        self.hook(signals.on_remove, "on_remove", entity)
        entity.delete()
        entity.pk = entity_id  # Django clears it; after_remove receivers and the event need it
        self.hook(signals.after_remove, "after_remove", entity)
        message = f"{entity.type_name()} {entity_id} removed"
        self.announce("OnRemove", entity, message)
        return ApiMessage(data=entity_id, message=message)

    # -- the write sequence -----------------------------------------------------------------

    def persist(
        self, entity: E, *, adding: bool, target: str | None = None, message: str | None = None
    ) -> ApiMessage[E]:
        """Write `entity` inside the caller's transaction, with its hooks, and announce it.

        on_save, on_add | on_update, the write, after_add | after_update, after_save, then the
        event (`target`, default OnAdd / OnUpdate). Domain actions (e.g. a state change) call
        this after their own checks, so every change of an entity looks the same to hooks and
        listeners.
        """
        verb = "add" if adding else "update"
        self.hook(signals.on_save, "on_save", entity)
        self.hook(getattr(signals, f"on_{verb}"), f"on_{verb}", entity)
        self.write(entity)
        self.hook(getattr(signals, f"after_{verb}"), f"after_{verb}", entity)
        self.hook(signals.after_save, "after_save", entity)
        message = message or f"{entity.type_name()} {entity.pk} {'added' if adding else 'updated'}"
        self.announce(target or ("OnAdd" if adding else "OnUpdate"), entity, message)
        return ApiMessage(data=entity, message=message)

    # -- extension points -------------------------------------------------------------------

    def get_validation_messages(self, entity: E) -> list[str]:
        """The rules of this entity type; subclasses extend the list."""
        messages: list[str] = []
        if not (entity.value or "").strip():
            messages.append("Value is required")
        messages.extend(self.model_messages(entity))
        return messages

    def announce(self, target: str, entity: E, message: str) -> None:
        """Log an event on this command's hub, in the current transaction (published after commit)."""
        hub = self.get_hub()
        if hub is not None:
            record_event(hub, target, entity=entity, message=message, actor=self.actor)

    def get_hub(self) -> Hub | str | None:
        """Where this command's changes are announced: `hub`, else the hub declared for its model (None: nowhere)."""
        return self.hub if self.hub is not None else hubs.for_model(self.get_model())

    def integrity_message(self, entity: E, error: IntegrityError) -> str:
        """The Conflict message when the database refuses a write; override it to word a constraint."""
        return f"{entity.type_name()} could not be saved: {error}"

    # -- helpers for subclasses -------------------------------------------------------------

    def atomic(self) -> transaction.Atomic:
        """The use case's transaction, opened after its calls to other nodes (`prepare_*`), never around one.

        `transaction.atomic()`; while a request with an `Idempotency-Key` is answered, the answer is
        stored in the same transaction, which then ends once it is (`idempotency.command_transaction`).
        """
        return command_transaction()

    def get_model(self) -> type[E]:
        """The subclass's `model`; a TypeError when it did not set it."""
        model = getattr(self, "model", None)
        if model is None:
            raise TypeError(f"{type(self).__name__} must set `model`.")
        return model

    def not_found(self, entity_id: Any) -> NotFound:
        """The NotFound for `entity_id` (`Invoice 3 not found`), for the caller to raise."""
        return NotFound(f"{self.get_model().type_name()} {entity_id} not found")

    def get(self, entity_id: Any) -> E:
        """The stored entity, read without a lock (for checks and `prepare_*` hooks)."""
        entity = self.get_model().objects.filter(pk=entity_id).first()
        if entity is None:
            raise self.not_found(entity_id)
        return entity

    def lock(self, entity_id: Any) -> E:
        """The stored entity, locked until the transaction ends (concurrent writers queue)."""
        entity = self.get_model().objects.select_for_update().filter(pk=entity_id).first()
        if entity is None:
            raise self.not_found(entity_id)
        return entity

    def ensure_valid(self, entity: E, refusals: list[str] = ()) -> None:
        """Raise ValidationFailed with `refusals` and every rule `entity` breaks, if there are any."""
        messages = [*refusals, *self.get_validation_messages(entity)]
        if messages:
            raise ValidationFailed(messages)

    def model_messages(self, entity: E) -> list[str]:
        """Field limits declared on the model, as readable messages (the database enforces constraints)."""
        try:
            entity.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as error:
            return [
                self._message(field, problem) for field, problems in error.error_dict.items() for problem in problems
            ]
        return []

    def _message(self, field: str, problem: DjangoValidationError) -> str:
        # a missing field in the wire's words, as the `value` rule says it ("EntityId is required")
        if problem.code in ("null", "blank") and field != "__all__":
            return f"{self.policy.label(self.get_model(), field)} is required"
        return _describe(field, " ".join(problem.messages))

    def write(self, entity: E) -> None:
        """Save in a savepoint so a constraint the database enforces becomes a Conflict."""
        try:
            with transaction.atomic():
                entity.save()
        except IntegrityError as error:
            raise Conflict(self.integrity_message(entity, error)) from error

    def hook(self, signal: Signal, step: str, entity: E) -> None:
        """Send a hook signal; an ApplicationError from a receiver aborts the command as HookFailed."""
        try:
            signal.send(sender=type(entity), entity=entity)
        except ApplicationError as error:
            raise HookFailed(step, error) from error

    def listened(self, signal: Signal) -> bool:
        """Whether `signal` has receivers for this model (a `prepare_*` hook costs a read only then)."""
        return signal.has_listeners(self.get_model())


def _describe(field: str, message: str) -> str:
    if field == "__all__":
        return message
    return f"{field.replace('_', ' ').capitalize()}: {message}"
