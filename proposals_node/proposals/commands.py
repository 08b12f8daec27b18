"""Writes of proposals: save (its status is set by the after_add hook, never by a client) and remove."""

from __future__ import annotations

from distributed_core.commands import EntityCommand
from distributed_core.policy import WritePolicy

from .models import Proposal


class ProposalCommand(EntityCommand[Proposal]):
    model = Proposal
    # the status is made by the after_add hook; the package is linked and unlinked by the PackageSaga only
    policy = WritePolicy(system=("status_id",), ignored=("package_id",))
