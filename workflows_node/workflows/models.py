"""The workflows node stores the Package contract."""

from django.db import models

from contracts.workflows import ACTIVE_STATES
from contracts.workflows import Package as PackageContract


class Package(PackageContract):
    """A package; at most one active (Pending or Returned) per entity, enforced by the database."""

    wire_serializer = "workflows.serializers.PackageSerializer"  # its shape in answers and events

    class Meta(PackageContract.Meta):
        permissions = [("decide_package", "Can approve, reject or return a package")]  # the approvers group's
        constraints = [
            models.UniqueConstraint(
                fields=["entity_id", "entity_type"],
                condition=models.Q(state__in=[state.value for state in ACTIVE_STATES]),
                name="one_active_package_per_entity",
                violation_error_message="The entity already has an active package",
            )
        ]
        indexes = [models.Index(fields=["entity_type", "entity_id"], name="package_entity_idx")]
