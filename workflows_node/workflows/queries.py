"""Reads of packages: every query of the wire contract."""

from __future__ import annotations

from django.db.models import QuerySet

from contracts.workflows import ACTIVE_STATES, COMPLETED_STATES
from distributed_core.queries import EntityQuery

from .models import Package


class PackageQuery(EntityQuery[Package]):
    model = Package

    def get_active(self) -> QuerySet[Package]:
        return self.get().filter(state__in=ACTIVE_STATES)

    def get_completed(self) -> QuerySet[Package]:
        return self.get().filter(state__in=COMPLETED_STATES)

    def get_by_type(self, entity_type: str) -> QuerySet[Package]:
        return self.get().filter(entity_type=entity_type)

    def get_by_entity(self, entity_id: int, entity_type: str) -> QuerySet[Package]:
        """The decided packages of one entity: neither Pending nor Returned (as the original's GetByEntity)."""
        return self._of_entity(entity_id, entity_type).filter(state__in=COMPLETED_STATES)

    def get_active_package(self, entity_id: int, entity_type: str) -> Package | None:
        """The package still awaiting a decision on that entity, or None."""
        return self._of_entity(entity_id, entity_type).filter(state__in=ACTIVE_STATES).first()

    def _of_entity(self, entity_id: int, entity_type: str) -> QuerySet[Package]:
        return self.get_by_type(entity_type).filter(entity_id=entity_id)
