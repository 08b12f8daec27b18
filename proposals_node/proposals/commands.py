"""Writes of proposals: save (its status is set by the after_add hook, never by a client) and remove."""

from __future__ import annotations

from distributed_core.commands import EntityCommand

from .models import Proposal


class ProposalCommand(EntityCommand[Proposal]):
    model = Proposal
    hub = "proposal"
    protected_fields = {"status_id": "Status cannot be changed through save"}
    system_fields = ("package_id",)  # linked and unlinked by the PackageSaga only

    def apply_system_fields(self, entity: Proposal, stored: Proposal | None) -> None:
        super().apply_system_fields(entity, stored)
        if stored is None:
            entity.status_id = None  # after_add creates the Created status and links it
