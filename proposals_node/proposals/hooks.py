"""Hook receivers of the Proposal command.

prepare_remove: before the removal's transaction, withdraw the proposal's active package in
                the workflows node; if workflows refuses or cannot be reached, the removal is
                aborted with nothing changed (a 400, or a 503 when workflows is unreachable).
after_add:      create the proposal's Created Status and link it.
after_remove:   delete the proposal's Status with it; after the commit, withdraw a package that
                was submitted for it meanwhile (between the withdrawal and the delete).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from contracts.core import Statuses
from contracts.workflows import WorkflowsGateway
from distributed_core import signals
from distributed_core.exceptions import ApplicationError

from .models import Proposal, Status

logger = logging.getLogger("proposals")


def workflows_gateway() -> WorkflowsGateway:
    """The client to the workflows node (a function so tests can swap the transport)."""
    return WorkflowsGateway.from_settings()


@receiver(signals.prepare_remove, sender=Proposal)
def withdraw_active_package(sender, entity: Proposal, **kwargs) -> None:
    withdraw_package_of(entity.pk)


def withdraw_package_of(proposal_id: int) -> int | None:
    """Withdraw the active package of proposal `proposal_id` in workflows, if it has one; its id."""
    gateway = workflows_gateway()
    package = gateway.get_active_package(proposal_id, Proposal.type_name())
    if package is None:
        return None
    gateway.withdraw_package(package.id)
    return package.id


@receiver(signals.after_add, sender=Proposal)
def create_status(sender, entity: Proposal, **kwargs) -> None:
    # its value, the state's name, is stamped by `Status.on_saving()`
    status = Status.objects.create(state=Statuses.CREATED, entity_id=entity.pk, entity_type=Proposal.type_name())
    entity.status = status
    Proposal.objects.filter(pk=entity.pk).update(status=status)


@receiver(signals.after_remove, sender=Proposal)
def remove_status(sender, entity: Proposal, **kwargs) -> None:
    Status.objects.filter(pk=entity.status_id).delete()


@receiver(signals.after_remove, sender=Proposal)
def withdraw_late_package(sender, entity: Proposal, **kwargs) -> None:
    # a submit that reached workflows after prepare_remove's withdrawal would leave a package asking
    # about a proposal that is gone; the call waits for the commit (no network under the lock)
    proposal_id = entity.pk
    transaction.on_commit(lambda: withdraw_package_of_removed(proposal_id))


def withdraw_package_of_removed(proposal_id: int) -> None:
    """Withdraw the active package of the removed proposal `proposal_id`, if one appeared; log, never raise."""
    try:
        if (package_id := withdraw_package_of(proposal_id)) is not None:
            logger.warning("Withdrew package %s, submitted while proposal %s was removed", package_id, proposal_id)
    except ApplicationError as error:  # the proposal is gone either way; an operator can withdraw it in workflows
        logger.warning("Could not withdraw a late package of removed proposal %s: %s", proposal_id, error)
