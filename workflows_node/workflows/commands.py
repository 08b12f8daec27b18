"""Writes of packages: save/submit, the state machine's actions, withdraw.

Pending -> Approved | Rejected | Returned; Returned -> Pending (resubmit). Every action locks
the stored package first, so of two racing actions on one package one wins and the other is
refused with the state it found. The command's actor is recorded: as `submitted_by` when a
package is submitted (or resubmitted), as `decided_by` with `decided_at` when it is decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from contracts.workflows import ACTIVE_STATES, PackageStates
from distributed_core.commands import EntityCommand
from distributed_core.exceptions import ValidationFailed
from distributed_core.messages import ApiMessage
from distributed_core.policy import WritePolicy

from .models import Package

ACTIVE_PACKAGE_EXISTS = "{entity_type} {entity_id} already has an active package"


class PackageCommand(EntityCommand[Package]):
    model = Package
    # the entity and the result are chosen on submit; the state belongs to the state machine; who
    # submitted and decided it is the command's actor, whatever a client says
    policy = WritePolicy(
        fixed=("entity_id", "entity_type", "result"),
        system=("state",),
        ignored=("submitted_by", "decided_by", "decided_at"),
    )

    # -- validation -------------------------------------------------------------------------

    def get_validation_messages(self, entity: Package) -> list[str]:
        messages = super().get_validation_messages(entity)
        if entity.entity_id and entity.entity_type and entity.state in ACTIVE_STATES and self._active_elsewhere(entity):
            messages.append(ACTIVE_PACKAGE_EXISTS.format(entity_type=entity.entity_type, entity_id=entity.entity_id))
        return messages

    def _active_elsewhere(self, entity: Package) -> bool:
        others = Package.objects.filter(
            entity_id=entity.entity_id, entity_type=entity.entity_type, state__in=ACTIVE_STATES
        )
        return others.exclude(pk=entity.pk).exists() if entity.pk else others.exists()

    def integrity_message(self, entity: Package, error: IntegrityError) -> str:
        return ACTIVE_PACKAGE_EXISTS.format(entity_type=entity.entity_type, entity_id=entity.entity_id)

    # -- use cases --------------------------------------------------------------------------

    def submit(self, data: Mapping[str, Any], package_id: int | None = None) -> ApiMessage[Package]:
        """Submit a new package, or resubmit a Returned one (only its title and value may change)."""
        if not package_id:
            return self.save(data)
        with self.atomic():
            package = self.lock(package_id)
            if package.state != PackageStates.RETURNED:
                raise ValidationFailed(
                    [f"Package {package_id} is {package.state}; only a Returned package can be resubmitted"]
                )
            for name in ("title", "value"):
                if name in data:
                    setattr(package, name, data[name])
            package.submitted_by, package.decided_by, package.decided_at = self.actor, None, None
            return self._transition(package, PackageStates.PENDING, "resubmitted")

    def approve(self, package_id: int) -> ApiMessage[Package]:
        return self._act(package_id, PackageStates.APPROVED, "approved")

    def reject(self, package_id: int) -> ApiMessage[Package]:
        return self._act(package_id, PackageStates.REJECTED, "rejected")

    def return_(self, package_id: int) -> ApiMessage[Package]:
        return self._act(package_id, PackageStates.RETURNED, "returned")

    def withdraw(self, package_id: int) -> ApiMessage[int]:
        """Remove an active package (the entity no longer asks for a decision)."""
        self.prepare_removal(package_id)
        with self.atomic():
            stored = self.lock(package_id)
            if not stored.is_active:
                raise ValidationFailed(
                    [f"Package {package_id} is {stored.state}; only an active package can be withdrawn"]
                )
            message = self.delete(stored)
        return ApiMessage(message.data, f"Package {package_id} withdrawn")

    def persist(
        self, entity: Package, *, adding: bool, target: str | None = None, message: str | None = None
    ) -> ApiMessage[Package]:
        """As every command writes, recording the actor as the submitter of a new package."""
        if adding:
            entity.submitted_by = self.actor
        return super().persist(entity, adding=adding, target=target, message=message)

    # -- the state machine ------------------------------------------------------------------

    def _act(self, package_id: int, to: PackageStates, verb: str) -> ApiMessage[Package]:
        with self.atomic():
            package = self.lock(package_id)
            if package.state != PackageStates.PENDING:
                raise ValidationFailed(
                    [f"Package {package_id} is {package.state}; only a Pending package can be {verb}"]
                )
            package.decided_by, package.decided_at = self.actor, timezone.now()
            return self._transition(package, to, verb)

    def _transition(self, package: Package, to: PackageStates, verb: str) -> ApiMessage[Package]:
        previous, package.state = package.state, to
        self.ensure_valid(package)
        message = f"Package {package.pk} {verb} (was {previous})"
        return self.persist(package, adding=False, target="OnStateChanged", message=message)
