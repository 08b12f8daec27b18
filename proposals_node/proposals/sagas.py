"""PackageSaga: how proposals react to package events from the workflows node.

    OnAdd           a package for a proposal was submitted  -> link `package_id`
    OnRemove        it was withdrawn or removed             -> unlink it
    OnStateChanged  Approved -> unlink, status = package.result
                    Rejected -> unlink, status = Rejected
                    (Returned and resubmitted packages stay linked)

Each change is announced on the proposal hub through the event log, in the transaction that
also advances the listener's cursor, so it happens, and is announced, exactly once. Rows are
read through `locked()` and written through `save()`, so a batch of events locks its proposals
and statuses with one query each and writes each changed row once (see distributed_core.sagas).
"""

from __future__ import annotations

from contracts.core import Statuses
from contracts.workflows import PackageData, PackageStates
from distributed_core.sagas import EntitySaga, EventMessage, handles

from .models import Proposal, Status

DECIDED = (PackageStates.APPROVED, PackageStates.REJECTED)  # the states that set a proposal's status


class PackageSaga(EntitySaga):
    contract = PackageData

    def prefetch(self, messages: list[EventMessage[PackageData]]) -> None:
        """A batch locks the proposals its packages are about, then the statuses a decision sets: one query each."""
        about = [m.data for m in messages if m.data is not None and m.data.entity_type == Proposal.type_name()]
        proposals = self.lock_all(Proposal, {package.entity_id for package in about})
        decided = {package.entity_id for package in about if package.state in DECIDED}
        self.lock_all(Status, {p.status_id for pk, p in proposals.items() if pk in decided and p.status_id})

    def actor_of(self, message: EventMessage[PackageData]) -> str | None:
        """Who acted in a package event: who decided it (Approved, Rejected, Returned), else who submitted it."""
        package = message.data
        if package is None:
            return None
        if package.state == PackageStates.PENDING:
            return package.submitted_by
        return package.decided_by or package.submitted_by

    @handles("OnAdd")
    def package_added(self, event: EventMessage[PackageData]) -> None:
        proposal = self._proposal(event.data)
        if proposal is None or not event.data.is_active:
            return
        proposal.package_id = event.id
        self.save(proposal, "package_id")
        self.announce("OnUpdate", proposal, f"Proposal {proposal.pk} linked to package {event.id}")

    @handles("OnRemove")
    def package_removed(self, event: EventMessage[PackageData]) -> None:
        proposal = self._proposal(event.data)
        if proposal is None or proposal.package_id != event.id:
            return
        proposal.package_id = None
        self.save(proposal, "package_id")
        self.announce("OnUpdate", proposal, f"Proposal {proposal.pk}: package {event.id} withdrawn")

    @handles("OnStateChanged")
    def package_state_changed(self, event: EventMessage[PackageData]) -> None:
        package = event.data
        if package is None or package.state not in DECIDED:
            return
        proposal = self._proposal(package)
        if proposal is None:
            return
        new_state = package.result if package.state == PackageStates.APPROVED else Statuses.REJECTED
        status = self.locked(Status, proposal.status_id)
        if status is not None:
            status.state = new_state
            self.save(status, "state")
        if proposal.package_id == event.id:
            proposal.package_id = None
        self.save(proposal, "package_id")
        message = f"Proposal {proposal.pk}: package {event.id} {package.state.lower()}, status {new_state}"
        self.announce("OnUpdate", proposal, message)

    def _proposal(self, package: PackageData | None) -> Proposal | None:
        """The proposal `package` is about, locked; None for a package of another entity type."""
        if package is None or package.entity_type != Proposal.type_name():
            return None
        return self.locked(Proposal, package.entity_id)
