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

    def exists(self, proposal_id: int) -> bool:
        """Whether proposal `proposal_id` is stored here."""
        return self.get().filter(pk=proposal_id).exists()

    def any_links(self, package_id: int) -> bool:
        """Whether a proposal has `package_id` as its active package (PackageSaga links it on the package's OnAdd)."""
        return self.get().filter(package_id=package_id).exists()


class StatusQuery(EntityQuery[Status]):
    model = Status
