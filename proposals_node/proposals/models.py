"""The proposals node stores Proposals and their Statuses."""

from django.db import models

from contracts.core import Status as StatusContract
from distributed_core.models import Entity


class Status(StatusContract):
    """Where an entity of this node stands (Created, Active, Inactive, Rejected)."""

    class Meta(StatusContract.Meta):
        verbose_name_plural = "statuses"
        indexes = [models.Index(fields=["entity_type", "entity_id"], name="status_entity_idx")]


class Proposal(Entity):
    """A proposal; `status_id` is its Status, `package_id` its active package in workflows."""

    title = models.CharField(max_length=200, blank=True, default="")
    status_id = models.BigIntegerField(null=True, blank=True)
    package_id = models.BigIntegerField(null=True, blank=True)
