"""Seed data: one "Documentation Proposal" with its Created status."""

from __future__ import annotations

from .commands import ProposalCommand
from .models import Proposal

SEED_TITLE = "Documentation Proposal"


def seed() -> Proposal | None:
    """Add the seed proposal unless it is already there; returns it when added."""
    if Proposal.objects.filter(title=SEED_TITLE).exists():
        return None
    proposal = {"title": SEED_TITLE, "value": "Write the documentation of the distributed design."}
    return ProposalCommand().save(proposal).data
