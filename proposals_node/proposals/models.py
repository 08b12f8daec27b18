"""The proposals node stores Proposals and their Statuses."""

from django.db import models

from contracts.core import Status as StatusContract
from distributed_core.events import Hub
from distributed_core.models import Entity


class Status(StatusContract):
    """Where an entity of this node stands (Created, Active, Inactive, Rejected)."""

    wire_serializer = "proposals.serializers.StatusSerializer"  # its shape in answers and events

    class Meta(StatusContract.Meta):
        verbose_name_plural = "statuses"
        indexes = [models.Index(fields=["entity_type", "entity_id"], name="status_entity_idx")]


class Proposal(Entity):
    """A proposal; `status` is its Status (`statusId` on the wire), `package_id` its active package in workflows."""

    wire_serializer = "proposals.serializers.ProposalSerializer"
    hub = Hub("proposal")  # its changes go out at /events/proposal; following it needs proposals.view_proposal

    title = models.CharField(max_length=200, blank=True, default="")
    # made by the after_add hook; removed with the proposal (after_remove), so never deleted under it
    status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    package_id = models.BigIntegerField(null=True, blank=True)  # a package of another node: no foreign key
