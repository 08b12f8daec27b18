"""WritePolicy: who may write which field of an entity, declared once, on its Command.

    class InvoiceCommand(EntityCommand[Invoice]):
        policy = WritePolicy(fixed=("customer_id",), system=("state",), ignored=("paid_at",))

Every field a client sends through `save` or `validate` falls in one of four kinds:

    writable   (every field not named below) set on add, changed on update
    fixed      set by the client on add; an update that changes it is refused
    system     written only by the system (a hook, a saga, a domain action): on add the client's
               value is dropped (the model default or a hook sets it); an update that changes it
               is refused. Sending the stored value back is fine: the original's clients send
               whole entities back.
    ignored    written only by the system, and whatever a client sends is dropped silently
               (the Entity's own `id`, `type` and dates always are)

A refused change is a validation message (`State cannot be changed through save`), reported
with every other broken rule. The serializer only checks types; what is required is a rule of
the Command, with its own message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from .wire import to_camel

__all__ = ["ENTITY_OWN_FIELDS", "WritePolicy"]

# Fields of every Entity that no client ever writes: the database and `Entity.on_saving()` own them.
ENTITY_OWN_FIELDS = ("id", "type", "date_created", "date_modified")


@dataclass(frozen=True)
class WritePolicy:
    """The fields of an entity that clients may not freely write (see the module docstring)."""

    fixed: tuple[str, ...] = ()
    system: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()

    def apply(self, model: type[models.Model], stored: models.Model | None, data: Mapping[str, Any]):
        """The entity `data` asks for, and the messages of what it may not change.

        `stored` is the row being updated (changed in place), or None to build a new one.
        Returns `(entity, refusals)`; nothing is written.
        """
        entity = stored if stored is not None else model()
        refusals = []
        for name, value in data.items():
            if name in ENTITY_OWN_FIELDS or name in self.ignored:
                continue
            if stored is None:
                if name not in self.system:
                    setattr(entity, name, value)
            elif name in self.fixed or name in self.system:
                if value != getattr(stored, name):
                    refusals.append(f"{self.label(model, name)} cannot be changed through save")
            else:
                setattr(entity, name, value)
        return entity, refusals

    @staticmethod
    def label(model: type[models.Model], name: str) -> str:
        """How a message names a field: its name, camel-cased and capitalized (`entity_id` -> `EntityId`)."""
        camel = to_camel(model._meta.get_field(name).name)
        return camel[:1].upper() + camel[1:]
