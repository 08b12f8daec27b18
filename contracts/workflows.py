"""The workflows contract: Package, its states, and the WorkflowsGateway client.

A Package asks for a decision on some entity of another node (`entity_id`, `entity_type`).
State machine: Pending -> Approved | Rejected | Returned; Returned -> Pending (resubmit);
Approved and Rejected are final. `result` is the Status state the entity gets on approval.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db import models

from distributed_core.conf import dd_settings
from distributed_core.exceptions import GatewayError, GatewayUnavailable
from distributed_core.gateway.client import GatewayClient
from distributed_core.messages import ApiMessage, ValidationMessage
from distributed_core.models import Entity

from .core import Statuses

__all__ = ["ACTIVE_STATES", "COMPLETED_STATES", "Package", "PackageData", "PackageStates", "WorkflowsGateway"]


class PackageStates(models.TextChoices):
    """The states of a Package. Values are the names, as the wire carries them."""

    APPROVED = "Approved", "Approved"
    PENDING = "Pending", "Pending"
    REJECTED = "Rejected", "Rejected"
    RETURNED = "Returned", "Returned"


ACTIVE_STATES = (PackageStates.PENDING, PackageStates.RETURNED)
COMPLETED_STATES = (PackageStates.APPROVED, PackageStates.REJECTED)


class Package(Entity):
    """Abstract Package contract; the workflows node stores the concrete one."""

    title = models.CharField(max_length=200, blank=True, default="")
    state = models.CharField(max_length=20, choices=PackageStates.choices, default=PackageStates.PENDING)
    result = models.CharField(max_length=20, choices=Statuses.choices, default=Statuses.ACTIVE)
    entity_id = models.BigIntegerField()
    entity_type = models.CharField(max_length=100)

    class Meta(Entity.Meta):
        abstract = True

    @property
    def is_active(self) -> bool:
        """Whether the package still awaits a decision (Pending or Returned)."""
        return self.state in ACTIVE_STATES


@dataclass
class PackageData:
    """A Package as another node sees it through the gateway (snake_case attributes)."""

    entity_id: int
    entity_type: str
    value: str = ""
    title: str = ""
    id: int = 0
    type: str = "Package"
    state: str = PackageStates.PENDING.value
    result: str = Statuses.ACTIVE.value
    date_created: str | None = None
    date_modified: str | None = None

    @property
    def is_active(self) -> bool:
        """Whether the package still awaits a decision (Pending or Returned)."""
        return self.state in ACTIVE_STATES

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> PackageData:
        """A PackageData from the wire's camelCase object; keys it has no field for are ignored."""
        from distributed_core.api.json import to_snake

        names = {f.name for f in fields(cls)}
        return cls(**{to_snake(k): v for k, v in data.items() if to_snake(k) in names})

    def to_wire(self) -> dict[str, Any]:
        """The package as the wire carries it: camelCase, nulls omitted."""
        from distributed_core.api.json import to_wire

        return to_wire(asdict(self))


class WorkflowsGateway(GatewayClient):
    """Typed client of the workflows node's `/gateway/` routes."""

    node_name = "workflows"

    @classmethod
    def from_settings(cls) -> WorkflowsGateway:
        """A client of the `workflows` entry of `DD_GATEWAYS`, with `DD_GATEWAY_TIMEOUT`."""
        config = dd_settings.gateway("workflows")
        return cls(f"{config['url'].rstrip('/')}/gateway", config.get("token", ""), dd_settings.gateway_timeout)

    def gateway_id(self) -> str:
        """The workflows node's gateway id (`GET /gateway/`)."""
        return self.call("GET", "")

    def get_packages_by_type(self, entity_type: str) -> list[PackageData]:
        """Every package on entities of `entity_type`."""
        return [PackageData.from_wire(item) for item in self.call("GET", f"getPackagesByType/{entity_type}")]

    def get_packages_by_entity(self, entity_id: int, entity_type: str) -> list[PackageData]:
        """Every package on the entity `entity_id` of type `entity_type`."""
        items = self.call("GET", f"getPackagesByEntity/{entity_id}/{entity_type}")
        return [PackageData.from_wire(item) for item in items]

    def get_active_package(self, entity_id: int, entity_type: str) -> PackageData | None:
        """The package still awaiting a decision on that entity, or None."""
        data = self.call("GET", f"getActivePackage/{entity_id}/{entity_type}", none_if_missing=True)
        return PackageData.from_wire(data) if data is not None else None

    def validate_package(self, package: PackageData) -> ValidationMessage:
        """The rules `package` breaks, per the workflows node (a refusal's messages); GatewayUnavailable raises."""
        try:
            data = self.call("POST", "validatePackage", package.to_wire())
        except GatewayUnavailable:
            raise
        except GatewayError as refusal:  # an invalid package is answered with a 400 and its messages
            return ValidationMessage(refusal.message.split("; "))
        return ValidationMessage(list(data.get("messages", [])))

    def submit_package(self, package: PackageData) -> ApiMessage[PackageData]:
        """Submit a new package (or resubmit a Returned one); the answer carries the stored package."""
        data = self.call("POST", "submitPackage", package.to_wire())
        return ApiMessage(PackageData.from_wire(data["data"]), data.get("message", ""))

    def withdraw_package(self, package_id: int) -> ApiMessage[int]:
        """Withdraw (remove) the active package `package_id`; the answer carries its id."""
        data = self.call("POST", "withdrawPackage", {"id": package_id})
        return ApiMessage(data["data"], data.get("message", ""))
