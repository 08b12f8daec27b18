"""Commands: the user-driven write side of a node.

An `EntityCommand` owns the mutations of one entity type: `validate`, `save` (add when the id
is absent or 0, update otherwise) and `remove`, plus whatever domain actions a subclass adds.
Each public method is one database transaction: it locks the stored row, validates, sends the
hook signals of `distributed_core.signals` and writes. A hook that raises rolls it all back.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal

from . import signals
from .events.log import record_event
from .exceptions import ApplicationError, Conflict, HookFailed, NotFound, ValidationFailed
from .messages import ApiMessage, ValidationMessage
from .models import Entity

__all__ = ["EntityCommand"]

E = TypeVar("E", bound=Entity)

# Fields no client ever writes: the base and the database own them.
ENTITY_SYSTEM_FIELDS = ("type", "date_created", "date_modified")


class EntityCommand(Generic[E]):
    """Validates, saves and removes one entity type inside one transaction each.

    Subclasses set `model` and may set:
    - `protected_fields`: field -> message; an update that changes the field is refused.
    - `system_fields`: fields only the system writes (sagas, domain actions); `save` keeps the
      stored value on update and the model default on add, whatever the client sent.
    - `hub`: the event hub its changes are announced on (OnAdd, OnUpdate, OnRemove), through
      the event log, in the same transaction.
    """

    model: type[E]
    hub: str | None = None
    protected_fields: dict[str, str] = {}
    system_fields: tuple[str, ...] = ()

    # -- public use cases -------------------------------------------------------------------

    def validate(self, entity: E) -> ValidationMessage:
        """Every rule `entity` breaks, without writing anything."""
        stored = self.get_model().objects.filter(pk=entity.pk).first() if entity.pk else None
        if entity.pk and stored is None:
            raise self.not_found(entity.pk)
        return ValidationMessage(self.get_validation_messages(entity, stored))

    def save(self, entity: E) -> ApiMessage[E]:
        """Add `entity` when it has no id (or 0), else update the stored one."""
        with transaction.atomic():
            adding = not entity.pk
            stored = None if adding else self.lock(entity.pk)
            self.apply_system_fields(entity, stored)
            self.ensure_valid(entity, stored)
            self.hook(signals.on_save, "on_save", entity)
            self.hook(signals.on_add if adding else signals.on_update, "on_add" if adding else "on_update", entity)
            self.write(entity)
            self.hook(
                signals.after_add if adding else signals.after_update, "after_add" if adding else "after_update", entity
            )
            self.hook(signals.after_save, "after_save", entity)
            verb = "added" if adding else "updated"
            message = f"{entity.type_name()} {entity.pk} {verb}"
            self.announce("OnAdd" if adding else "OnUpdate", entity, message)
        return ApiMessage(data=entity, message=message)

    def remove(self, entity_id: int) -> ApiMessage[int]:
        """Delete the stored entity with `entity_id`; the answer carries the removed id."""
        with transaction.atomic():
            entity = self.lock(entity_id)
            self.hook(signals.on_remove, "on_remove", entity)
            entity.delete()
            entity.pk = entity_id  # Django clears it; after_remove receivers need it
            self.hook(signals.after_remove, "after_remove", entity)
            message = f"{entity.type_name()} {entity_id} removed"
            self.announce("OnRemove", entity, message)
        return ApiMessage(data=entity_id, message=message)

    # -- extension points -------------------------------------------------------------------

    def get_validation_messages(self, entity: E, stored: E | None) -> list[str]:
        """The rules of this entity type; subclasses extend the list."""
        messages: list[str] = []
        if not (entity.value or "").strip():
            messages.append("Value is required")
        if stored is not None:
            for name, message in self.protected_fields.items():
                if getattr(entity, name) != getattr(stored, name):
                    messages.append(message)
        messages.extend(self.model_messages(entity))
        return messages

    def announce(self, target: str, entity: E, message: str) -> None:
        """Log an event on this command's hub, in the current transaction (published after commit)."""
        if self.hub:
            record_event(self.hub, target, entity=entity, message=message)

    # -- helpers for subclasses -------------------------------------------------------------

    def get_model(self) -> type[E]:
        """The subclass's `model`; a TypeError when it did not set it."""
        model = getattr(self, "model", None)
        if model is None:
            raise TypeError(f"{type(self).__name__} must set `model`.")
        return model

    def not_found(self, entity_id: Any) -> NotFound:
        """The NotFound for `entity_id` (`Proposal 3 not found`), for the caller to raise."""
        return NotFound(f"{self.get_model().type_name()} {entity_id} not found")

    def lock(self, entity_id: Any) -> E:
        """The stored entity, locked until the transaction ends (concurrent writers queue)."""
        entity = self.get_model().objects.select_for_update().filter(pk=entity_id).first()
        if entity is None:
            raise self.not_found(entity_id)
        return entity

    def ensure_valid(self, entity: E, stored: E | None) -> None:
        """Raise ValidationFailed with every rule `entity` breaks, if it breaks any."""
        messages = self.get_validation_messages(entity, stored)
        if messages:
            raise ValidationFailed(messages)

    def apply_system_fields(self, entity: E, stored: E | None) -> None:
        """Put back what clients may not write: stored values on update, defaults on add."""
        for name in (*ENTITY_SYSTEM_FIELDS, *self.system_fields):
            if stored is not None:
                value = getattr(stored, name)
            else:
                value = entity._meta.get_field(name).get_default()
            setattr(entity, name, value)
        if stored is None:
            entity.pk = None

    def model_messages(self, entity: E) -> list[str]:
        """Field limits declared on the model, as readable messages (the database enforces constraints)."""
        try:
            entity.full_clean(validate_unique=False, validate_constraints=False)
        except DjangoValidationError as error:
            return [_describe(field, message) for field, msgs in error.message_dict.items() for message in msgs]
        return []

    def write(self, entity: E) -> None:
        """Save in a savepoint so a constraint the database enforces becomes a Conflict."""
        try:
            with transaction.atomic():
                entity.save()
        except IntegrityError as error:
            raise Conflict(self.integrity_message(entity, error)) from error

    def integrity_message(self, entity: E, error: IntegrityError) -> str:
        """The Conflict message when the database refuses a write; override it to word a constraint."""
        return f"{entity.type_name()} could not be saved: {error}"

    def hook(self, signal: Signal, step: str, entity: E) -> None:
        """Send a hook signal; a receiver that raises aborts the command."""
        try:
            signal.send(sender=type(entity), entity=entity)
        except ApplicationError as error:
            raise HookFailed(step, error.message) from error
        except Exception as error:  # a receiver's bug still aborts with a readable reason
            raise HookFailed(step, str(error) or type(error).__name__) from error


def _describe(field: str, message: str) -> str:
    if field == "__all__":
        return message
    return f"{field.replace('_', ' ').capitalize()}: {message}"
