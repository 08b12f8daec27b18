"""The workflows contract: Package, its states, the gateway's routes and the WorkflowsGateway client.

A Package asks for a decision on some entity of another node (`entity_id`, `entity_type`).
State machine: Pending -> Approved | Rejected | Returned; Returned -> Pending (resubmit);
Approved and Rejected are final. `result` is the Status state the entity gets on approval.
`submitted_by` is who (last) submitted it, `decided_by` and `decided_at` who made the last
decision and when: usernames, since each node has its own users (a node submitting through
the gateway names the user it acts for), null when nobody signed in (an open node).
"""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from distributed_core.api.routes import Reads, Returns, route
from distributed_core.conf import dd_settings
from distributed_core.contract import ContractData
from distributed_core.events import Hub
from distributed_core.exceptions import GatewayError, GatewayUnavailable
from distributed_core.gateway.client import GatewayClient
from distributed_core.gateway.server import GATEWAY_ID
from distributed_core.messages import ApiMessage, ValidationMessage
from distributed_core.models import Entity
from distributed_core.serializers import ContractSerializer
from distributed_core.wire import TYPE_NAME

from .core import Statuses

__all__ = [
    "ACTIVE_STATES",
    "COMPLETED_STATES",
    "Package",
    "PackageData",
    "PackageDataSerializer",
    "PackageStates",
    "WorkflowsGateway",
    "WorkflowsGatewayRoutes",
]


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

    # its changes go out at the workflows node's /events/package; other nodes' listeners follow it
    hub = Hub("package")

    title = models.CharField(max_length=200, blank=True, default="")
    state = models.CharField(max_length=20, choices=PackageStates.choices, default=PackageStates.PENDING)
    result = models.CharField(max_length=20, choices=Statuses.choices, default=Statuses.ACTIVE)
    entity_id = models.BigIntegerField(validators=[MinValueValidator(1)])
    entity_type = models.CharField(max_length=100, validators=[RegexValidator(rf"\A{TYPE_NAME}\Z")])
    submitted_by = models.CharField(max_length=150, null=True, blank=True)  # null: omitted on the wire
    decided_by = models.CharField(max_length=150, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta(Entity.Meta):
        abstract = True

    @property
    def is_active(self) -> bool:
        """Whether the package still awaits a decision (Pending or Returned)."""
        return self.state in ACTIVE_STATES


class PackageData(ContractData, model=Package):
    """A Package as another node sees it through the gateway (snake_case attributes): a dataclass of
    Package's fields, made from the model (`ContractData`), with its `is_active`."""


class PackageDataSerializer(ContractSerializer):
    """The Package contract on the wire, for nodes that hold no Package model (e.g. a proxy of the gateway).

    Types only and unknown fields refused, as every entity serializer: the workflows node says
    what else is wrong.
    """

    class Meta:
        model = Package
        # what only workflows writes (`state` by its decisions); a null is omitted on the wire, so each may be absent
        read_only_fields = ("state", "submitted_by", "decided_by", "decided_at")


class WorkflowsGatewayRoutes:
    """The workflows gateway's routes, written once: the workflows node serves them, `WorkflowsGateway`
    calls them, and other nodes' proxies (proposals' `/api/workflows/...`) forward them."""

    gateway_id = GATEWAY_ID
    get_packages_by_type = route.get("getPackagesByType/<type:entity_type>", returns=Returns.LIST)
    get_packages_by_entity = route.get("getPackagesByEntity/<int:entity_id>/<type:entity_type>", returns=Returns.LIST)
    get_active_package = route.get(
        "getActivePackage/<int:entity_id>/<type:entity_type>", returns=Returns.ENTITY_OR_NONE
    )
    validate_package = route.post(
        "validatePackage",
        reads=Reads.ENTITY,
        returns=Returns.VALIDATION,
        refused_when="when a new package has no entityId or entityType, or the entity already has an active package",
    )
    submit_package = route.post(
        "submitPackage",
        reads=Reads.ENTITY,
        returns=Returns.MESSAGE,
        refused_when="when a new package has no entityId or entityType, the entity already has an active package, "
        "or the id is of a package that is not Returned",
    )
    withdraw_package = route.post(
        "withdrawPackage",
        reads=Reads.ID,
        returns=Returns.REMOVED,
        refused_when="when the package is no longer active (it was decided meanwhile)",
    )


class WorkflowsGateway(GatewayClient):
    """Typed client of the workflows node's `/gateway/` routes."""

    node_name = "workflows"
    routes = WorkflowsGatewayRoutes

    @classmethod
    def from_settings(cls) -> WorkflowsGateway:
        """A client of the `workflows` entry of `DD_GATEWAYS`, with `DD_GATEWAY_TIMEOUT`."""
        config = dd_settings.gateway("workflows")
        return cls(f"{config['url'].rstrip('/')}/gateway", config.get("token", ""))  # DD_GATEWAY_TIMEOUT

    def gateway_id(self) -> str:
        """The workflows node's gateway id (`GET /gateway/`)."""
        return self.call(self.routes.gateway_id)

    def get_packages_by_type(self, entity_type: str) -> list[PackageData]:
        """Every package on entities of `entity_type`."""
        items = self.call(self.routes.get_packages_by_type, entity_type=entity_type)
        return [PackageData.from_wire(item) for item in items]

    def get_packages_by_entity(self, entity_id: int, entity_type: str) -> list[PackageData]:
        """The completed packages of the entity `entity_id` of type `entity_type`."""
        items = self.call(self.routes.get_packages_by_entity, entity_id=entity_id, entity_type=entity_type)
        return [PackageData.from_wire(item) for item in items]

    def get_active_package(self, entity_id: int, entity_type: str) -> PackageData | None:
        """The package still awaiting a decision on that entity, or None."""
        data = self.call(self.routes.get_active_package, entity_id=entity_id, entity_type=entity_type)
        return PackageData.from_wire(data) if data is not None else None

    def validate_package(self, package: PackageData) -> ValidationMessage:
        """The rules `package` breaks, per the workflows node (a refusal's messages); GatewayUnavailable raises."""
        try:
            data = self.call(self.routes.validate_package, package.to_wire())
        except GatewayUnavailable:
            raise
        except GatewayError as refusal:  # an invalid package is answered with a 400 and its messages
            return ValidationMessage(refusal.message.split("; "))
        return ValidationMessage(list(data.get("messages", [])))

    def submit_package(self, package: PackageData, idempotency_key: str | None = None) -> ApiMessage[PackageData]:
        """Submit a new package (or resubmit a Returned one); the answer carries the stored package.

        Sent with `idempotency_key` (None: a new one), so that a retry never submits twice.
        """
        data = self.call(self.routes.submit_package, package.to_wire(), idempotency_key=idempotency_key)
        return ApiMessage(PackageData.from_wire(data["data"]), data.get("message", ""))

    def withdraw_package(self, package_id: int, idempotency_key: str | None = None) -> ApiMessage[int]:
        """Withdraw (remove) the active package `package_id`; the answer carries its id.

        Sent with `idempotency_key` (None: a new one), so that a retry answers its success again.
        """
        data = self.call(self.routes.withdraw_package, {"id": package_id}, idempotency_key=idempotency_key)
        return ApiMessage(data["data"], data.get("message", ""))
