"""Reads of proposals and statuses."""

from __future__ import annotations

from distributed_core.exceptions import NotFound
from distributed_core.queries import EntityQuery

from .models import Proposal, Status


class ProposalQuery(EntityQuery[Proposal]):
    model = Proposal

    def get_status(self, proposal_id: int) -> Status:
        proposal = self.get_by_id(proposal_id)
        if proposal.status is None:
            raise NotFound(f"Proposal {proposal_id} has no status")
        return proposal.status


class StatusQuery(EntityQuery[Status]):
    model = Status
