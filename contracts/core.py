"""The core contract: a Status that records where an entity stands, and its states."""

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
    """Abstract Status contract: the `state` of the entity `entity_id` of type `entity_type`."""

    state = models.CharField(max_length=20, choices=Statuses.choices, default=Statuses.CREATED)
    entity_id = models.BigIntegerField()
    entity_type = models.CharField(max_length=100)

    class Meta(Entity.Meta):
        abstract = True
