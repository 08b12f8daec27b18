"""Hook receivers of the Proposal command.

after_add:    create the proposal's Created Status and link it.
after_remove: withdraw the proposal's active package in the workflows node; if workflows
              refuses or cannot be reached, the receiver raises and the removal is rolled back.
"""

from __future__ import annotations

from django.dispatch import receiver

from contracts.core import Statuses
from contracts.workflows import WorkflowsGateway
from distributed_core import signals

from .models import Proposal, Status


def workflows_gateway() -> WorkflowsGateway:
    """The client to the workflows node (a function so tests can swap the transport)."""
    return WorkflowsGateway.from_settings()


@receiver(signals.after_add, sender=Proposal)
def create_status(sender, entity: Proposal, **kwargs) -> None:
    status = Status.objects.create(
        state=Statuses.CREATED,
        entity_id=entity.pk,
        entity_type=Proposal.type_name(),
        value=f"Status of proposal {entity.pk}",
    )
    entity.status_id = status.pk
    Proposal.objects.filter(pk=entity.pk).update(status_id=status.pk)


@receiver(signals.after_remove, sender=Proposal)
def withdraw_active_package(sender, entity: Proposal, **kwargs) -> None:
    gateway = workflows_gateway()
    package = gateway.get_active_package(entity.pk, Proposal.type_name())
    if package is not None:
        gateway.withdraw_package(package.id)
    Status.objects.filter(pk=entity.status_id).delete()
