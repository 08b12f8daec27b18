"""Proposal and status routes, and `/api/workflows/...`: a proxy of the workflows gateway for browser apps."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework.request import Request

from contracts.workflows import PackageData, PackageDataSerializer
from contracts.workflows import WorkflowsGatewayRoutes as GATEWAY
from distributed_core.api.routes import Returns, route
from distributed_core.api.viewsets import EntityViewSet, ReadOnlyEntityViewSet, WireViewSet
from distributed_core.conf import dd_settings
from distributed_core.messages import ApiMessage, ValidationMessage
from distributed_core.pages import app_context

from . import hooks
from .commands import ProposalCommand
from .queries import ProposalQuery, StatusQuery
from .serializers import ProposalSerializer, StatusSerializer


class ProposalViewSet(EntityViewSet):
    """Proposals: reads, save, remove, and `getStatus/<id>`."""

    query_class = ProposalQuery
    command_class = ProposalCommand
    serializer_class = ProposalSerializer
    refused_when = {
        **dict.fromkeys(("validate_entity", "save_entity", "update"), "when an update sends another statusId"),
        **dict.fromkeys(("remove_entity", "destroy"), "when the workflows node refuses to withdraw its package"),
    }
    calls_remote = {"remove_entity": "workflows", "destroy": "workflows"}  # withdraws its active package first

    @route.get("getStatus/<int:id>", returns=Returns.ENTITY, serializer=StatusSerializer)
    def get_status(self, request: Request, id: int) -> Any:
        return self.get_query().get_status(id)


class StatusViewSet(ReadOnlyEntityViewSet):
    """Statuses are written by the proposal hooks and the PackageSaga only: read-only here."""

    query_class = StatusQuery
    serializer_class = StatusSerializer


class WorkflowsProxyViewSet(WireViewSet):
    """Forwards the workflows gateway's routes through `WorkflowsGateway`, for browser apps."""

    serializer_class = PackageDataSerializer
    schema_name = "WorkflowsPackage"
    calls_remote = {"*": "workflows"}

    @GATEWAY.get_packages_by_type
    def get_packages_by_type(self, request: Request, entity_type: str) -> list[PackageData]:
        return hooks.workflows_gateway().get_packages_by_type(entity_type)

    @GATEWAY.get_packages_by_entity
    def get_packages_by_entity(self, request: Request, entity_id: int, entity_type: str) -> list[PackageData]:
        return hooks.workflows_gateway().get_packages_by_entity(entity_id, entity_type)

    @GATEWAY.get_active_package
    def get_active_package(self, request: Request, entity_id: int, entity_type: str) -> PackageData | None:
        return hooks.workflows_gateway().get_active_package(entity_id, entity_type)

    @GATEWAY.validate_package
    def validate_package(self, request: Request, id: int | None, data: dict) -> ValidationMessage:
        return hooks.workflows_gateway().validate_package(PackageData(**data, id=id or 0))

    @GATEWAY.submit_package
    def submit_package(self, request: Request, id: int | None, data: dict) -> ApiMessage[PackageData]:
        return hooks.workflows_gateway().submit_package(PackageData(**data, id=id or 0))

    @GATEWAY.withdraw_package
    def withdraw_package(self, request: Request, id: int) -> ApiMessage[int]:
        return hooks.workflows_gateway().withdraw_package(id)


@ensure_csrf_cookie
def proposals_app(request: HttpRequest) -> HttpResponse:
    """The Proposals app: proposals as cards, their packages, live through both nodes' hubs."""
    workflows_url = dd_settings.gateways.get("workflows", {}).get("url", "").rstrip("/")
    return render(request, "proposals/app.html", app_context(workflows_hub=f"{workflows_url}/events/package"))
