"""PackageSaga: how proposals react to package events from the workflows node.

    OnAdd           a package for a proposal was submitted  -> link `package_id`
    OnRemove        it was withdrawn or removed             -> unlink it
    OnStateChanged  Approved -> unlink, status = package.result
                    Rejected -> unlink, status = Rejected
                    (Returned and resubmitted packages stay linked)

Each change is announced on the proposal hub through the event log, in the transaction that
also advances the listener's cursor, so it happens, and is announced, exactly once.
"""

from __future__ import annotations

from typing import Any

from contracts.core import Statuses
from contracts.workflows import PackageStates
from distributed_core.sagas import EntitySaga

from .models import Proposal, Status


class PackageSaga(EntitySaga):
    hub = "proposal"
    handlers = {"OnAdd": "package_added", "OnRemove": "package_removed", "OnStateChanged": "package_state_changed"}

    def package_added(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        proposal = self._proposal(data)
        if proposal is None or data.get("state") not in (PackageStates.PENDING, PackageStates.RETURNED):
            return
        proposal.package_id = event["id"]
        proposal.save()
        self.announce("OnUpdate", proposal, f"Proposal {proposal.pk} linked to package {event['id']}")

    def package_removed(self, event: dict[str, Any]) -> None:
        proposal = self._linked(event)
        if proposal is None:
            return
        proposal.package_id = None
        proposal.save()
        self.announce("OnUpdate", proposal, f"Proposal {proposal.pk}: package {event['id']} withdrawn")

    def package_state_changed(self, event: dict[str, Any]) -> None:
        data = event.get("data") or {}
        state = data.get("state")
        if state not in (PackageStates.APPROVED, PackageStates.REJECTED):
            return
        proposal = self._proposal(data)
        if proposal is None:
            return
        new_state = data.get("result", Statuses.ACTIVE) if state == PackageStates.APPROVED else Statuses.REJECTED
        status = Status.objects.select_for_update().filter(pk=proposal.status_id).first()
        if status is not None:
            status.state = new_state
            status.save()
        if proposal.package_id == event["id"]:
            proposal.package_id = None
        proposal.save()
        message = f"Proposal {proposal.pk}: package {event['id']} {state.lower()}, status {new_state}"
        self.announce("OnUpdate", proposal, message)

    def _proposal(self, data: dict[str, Any]) -> Proposal | None:
        if data.get("entityType") != Proposal.type_name():
            return None
        return Proposal.objects.select_for_update().filter(pk=data.get("entityId")).first()

    def _linked(self, event: dict[str, Any]) -> Proposal | None:
        proposal = self._proposal(event.get("data") or {})
        if proposal is None or proposal.package_id != event["id"]:
            return None
        return proposal
