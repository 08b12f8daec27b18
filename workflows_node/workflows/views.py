"""Package routes (`/api/package/...`) and the workflows gateway (`/gateway/...`).

Reading packages needs `workflows.view_package`, saving and removing them the add, change or
delete permission, and the decisions `workflows.decide_package` (the approvers group's). The
gateway's callers are nodes with a service credential; a package they submit records the user
they act for.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request

from contracts.workflows import WorkflowsGatewayRoutes as GATEWAY
from distributed_core.api.routes import Reads, Returns, route
from distributed_core.api.viewsets import EntityViewSet, QueryCommandMixin
from distributed_core.gateway.server import GatewayViewSet
from distributed_core.messages import ApiMessage, ValidationMessage
from distributed_core.pages import app_context

from .commands import PackageCommand
from .queries import PackageQuery
from .serializers import PackageSerializer

ENTITY = "<int:entity_id>/<type:entity_type>"
NOT_PENDING = "when the package is not Pending (it was decided, or returned, meanwhile)"
# A new package needs its entity: a rule of the command, since one request schema serves adding and updating
NO_ENTITY = "a new package has no entityId or entityType"
ACTIVE_EXISTS = "the entity already has an active package"
CHANGED = "an update changes the state, the result or the entity"
DECIDE = "workflows.decide_package"  # held by the approvers group (migration 0003)


class PackageViewSet(EntityViewSet):
    """Packages: reads, save, remove, and the approve/reject/return decisions (approvers only)."""

    query_class = PackageQuery
    command_class = PackageCommand
    serializer_class = PackageSerializer
    refused_when = {
        **dict.fromkeys(("validate_entity", "save_entity"), f"when {NO_ENTITY}, {ACTIVE_EXISTS}, or {CHANGED}"),
        "update": f"when {ACTIVE_EXISTS}, or {CHANGED}",
        "create": f"when {NO_ENTITY}, or {ACTIVE_EXISTS}",
    }

    @route.get("getActive", returns=Returns.LIST, permission="view")
    def get_active(self, request: Request) -> Any:
        return self.get_query().get_active()

    @route.get("getCompleted", returns=Returns.LIST, permission="view")
    def get_completed(self, request: Request) -> Any:
        return self.get_query().get_completed()

    @route.get("getByType/<type:entity_type>", returns=Returns.LIST, permission="view")
    def get_by_type(self, request: Request, entity_type: str) -> Any:
        return self.get_query().get_by_type(entity_type)

    @route.get(f"getByEntity/{ENTITY}", returns=Returns.LIST, permission="view")
    def get_by_entity(self, request: Request, entity_id: int, entity_type: str) -> Any:
        return self.get_query().get_by_entity(entity_id, entity_type)

    @route.get(f"getActivePackage/{ENTITY}", returns=Returns.ENTITY_OR_NONE, permission="view")
    def get_active_package(self, request: Request, entity_id: int, entity_type: str) -> Any:
        return self.get_query().get_active_package(entity_id, entity_type)

    @route.post("approve", reads=Reads.ID, returns=Returns.MESSAGE, permission=DECIDE, refused_when=NOT_PENDING)
    def approve(self, request: Request, id: int) -> ApiMessage:
        return self.get_command().approve(id)

    @route.post("reject", reads=Reads.ID, returns=Returns.MESSAGE, permission=DECIDE, refused_when=NOT_PENDING)
    def reject(self, request: Request, id: int) -> ApiMessage:
        return self.get_command().reject(id)

    @route.post("return", reads=Reads.ID, returns=Returns.MESSAGE, permission=DECIDE, refused_when=NOT_PENDING)
    def return_(self, request: Request, id: int) -> ApiMessage:
        return self.get_command().return_(id)


class WorkflowsGatewayViewSet(QueryCommandMixin, GatewayViewSet):
    """The workflows gateway: what other nodes may ask of packages, behind a service credential."""

    query_class = PackageQuery
    command_class = PackageCommand
    serializer_class = PackageSerializer

    @GATEWAY.get_packages_by_type
    def get_packages_by_type(self, request: Request, entity_type: str) -> Any:
        return self.get_query().get_by_type(entity_type)

    @GATEWAY.get_packages_by_entity
    def get_packages_by_entity(self, request: Request, entity_id: int, entity_type: str) -> Any:
        return self.get_query().get_by_entity(entity_id, entity_type)

    @GATEWAY.get_active_package
    def get_active_package(self, request: Request, entity_id: int, entity_type: str) -> Any:
        return self.get_query().get_active_package(entity_id, entity_type)

    @GATEWAY.validate_package
    def validate_package(self, request: Request, id: int | None, data: dict) -> ValidationMessage:
        return self.get_command().validate(data, id)

    @GATEWAY.submit_package
    def submit_package(self, request: Request, id: int | None, data: dict) -> ApiMessage:
        return self.get_command().submit(data, id)

    @GATEWAY.withdraw_package
    def withdraw_package(self, request: Request, id: int) -> ApiMessage:
        return self.get_command().withdraw(id)


def workflows_app(request: HttpRequest) -> HttpResponse:
    """The Workflows app: active packages to decide on (approvers only), completed ones below, live through the hub."""
    return render(request, "workflows/app.html", app_context(request, {"decide": DECIDE}))
