"""Writes of packages: save/submit, the state machine's actions, withdraw.

Pending -> Approved | Rejected | Returned; Returned -> Pending (resubmit). Every action locks
the stored package first, so of two racing actions on one package one wins and the other is
refused with the state it found.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from contracts.workflows import ACTIVE_STATES, PackageStates
from distributed_core import signals
from distributed_core.commands import EntityCommand
from distributed_core.exceptions import ValidationFailed
from distributed_core.messages import ApiMessage

from .models import Package

ACTIVE_PACKAGE_EXISTS = "{entity_type} {entity_id} already has an active package"


class PackageCommand(EntityCommand[Package]):
    model = Package
    hub = "package"
    protected_fields = {
        "state": "State cannot be changed through save",
        "result": "Result cannot be changed through save",
        "entity_id": "EntityId cannot be changed through save",
        "entity_type": "EntityType cannot be changed through save",
    }

    # -- validation -------------------------------------------------------------------------

    def apply_system_fields(self, entity: Package, stored: Package | None) -> None:
        super().apply_system_fields(entity, stored)
        if stored is None:
            entity.state = PackageStates.PENDING

    def get_validation_messages(self, entity: Package, stored: Package | None) -> list[str]:
        messages = super().get_validation_messages(entity, stored)
        if entity.entity_id is not None and entity.entity_id < 1:
            messages.append("EntityId must be a positive id")
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

    def submit(self, entity: Package) -> ApiMessage[Package]:
        """Submit a new package, or resubmit a Returned one (its title and value may change)."""
        if not entity.pk:
            return self.save(entity)
        with transaction.atomic():
            stored = self.lock(entity.pk)
            if stored.state != PackageStates.RETURNED:
                raise ValidationFailed(
                    [f"Package {stored.pk} is {stored.state}; only a Returned package can be resubmitted"]
                )
            stored.title, stored.value = entity.title, entity.value
            return self._transition(stored, PackageStates.PENDING, "resubmitted")

    def approve(self, package_id: int) -> ApiMessage[Package]:
        return self._act(package_id, PackageStates.APPROVED, "approved")

    def reject(self, package_id: int) -> ApiMessage[Package]:
        return self._act(package_id, PackageStates.REJECTED, "rejected")

    def return_(self, package_id: int) -> ApiMessage[Package]:
        return self._act(package_id, PackageStates.RETURNED, "returned")

    def withdraw(self, package_id: int) -> ApiMessage[int]:
        """Remove an active package (the entity no longer asks for a decision)."""
        with transaction.atomic():
            stored = self.lock(package_id)
            if not stored.is_active:
                raise ValidationFailed(
                    [f"Package {package_id} is {stored.state}; only an active package can be withdrawn"]
                )
            message = self.remove(package_id)
        return ApiMessage(message.data, f"Package {package_id} withdrawn")

    # -- the state machine ------------------------------------------------------------------

    def _act(self, package_id: int, to: PackageStates, verb: str) -> ApiMessage[Package]:
        with transaction.atomic():
            package = self.lock(package_id)
            if package.state != PackageStates.PENDING:
                raise ValidationFailed(
                    [f"Package {package_id} is {package.state}; only a Pending package can be {verb}"]
                )
            return self._transition(package, to, verb)

    def _transition(self, package: Package, to: PackageStates, verb: str) -> ApiMessage[Package]:
        previous = package.state
        package.state = to
        self.ensure_valid(package, None)
        self.hook(signals.on_save, "on_save", package)
        self.hook(signals.on_update, "on_update", package)
        self.write(package)
        self.hook(signals.after_update, "after_update", package)
        self.hook(signals.after_save, "after_save", package)
        message = f"Package {package.pk} {verb} (was {previous})"
        self.announce("OnStateChanged", package, message)
        return ApiMessage(package, message)
