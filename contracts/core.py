"""The core contract: a Status that records where an entity stands, and its states.

A Status's `value` is its state's name ("Created", "Active"), stamped on every save, as the
original's `Status.OnSaving` does: the original's apps show it as the entity's status.
"""

from __future__ import annotations

from django.db import models

from distributed_core.models import Entity

__all__ = ["Status", "Statuses"]


class Statuses(models.TextChoices):
    """The states of a Status. Values are the names, as the wire carries them."""

    ACTIVE = "Active", "Active"
    CREATED = "Created", "Created"
    INACTIVE = "Inactive", "Inactive"
    REJECTED = "Rejected", "Rejected"


class Status(Entity):
    """Abstract Status contract: the `state` of the entity `entity_id` of type `entity_type`; `value` is its name."""

    state = models.CharField(max_length=20, choices=Statuses.choices, default=Statuses.CREATED)
    entity_id = models.BigIntegerField()
    entity_type = models.CharField(max_length=100)

    saving_fields = (*Entity.saving_fields, "value")  # a write of `state` alone writes its name too

    class Meta(Entity.Meta):
        abstract = True

    def on_saving(self) -> None:
        """Stamp the dates, and the value: the state's name ("Active"), as the original's `Status.OnSaving` does."""
        super().on_saving()
        self.value = str(self.state)
