"""Proposal and status routes, and `/api/workflows/...`: a read/submit proxy to the workflows gateway."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework import viewsets
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.workflows import PackageData
from distributed_core.api.responses import api_response, validation_response
from distributed_core.api.routes import ENTITY_ROUTES, WireRoute
from distributed_core.api.schema import document_entity_viewset
from distributed_core.api.serializers import IdSerializer
from distributed_core.api.viewsets import EntityViewSet, ReadOnlyEntityViewSet
from distributed_core.conf import dd_settings
from distributed_core.pages import app_context

from . import hooks
from .commands import ProposalCommand
from .queries import ProposalQuery, StatusQuery
from .serializers import PackageContractSerializer, ProposalSerializer, StatusSerializer

ENTITY = r"(?P<entity_id>\d+)/(?P<entity_type>[A-Za-z][\w.-]*)"
TYPE = r"(?P<entity_type>[A-Za-z][\w.-]*)"


class ProposalViewSet(EntityViewSet):
    """Proposals: reads, save, remove, and `getStatus/<id>`."""

    query_class = ProposalQuery
    command_class = ProposalCommand
    serializer_class = ProposalSerializer
    wire_routes = (*ENTITY_ROUTES, WireRoute(r"getStatus/(?P<id>\d+)", "get", "get_status"))

    def get_status(self, request: Request, id: str) -> Response:
        return Response(StatusSerializer(self.get_query().get_status(int(id))).data)


class StatusViewSet(ReadOnlyEntityViewSet):
    """Statuses are written by the proposal hooks and the PackageSaga only: read-only here."""

    query_class = StatusQuery
    serializer_class = StatusSerializer


class WorkflowsProxyViewSet(viewsets.GenericViewSet):
    """Forwards the workflows gateway's actions through `WorkflowsGateway`, for browser apps."""

    serializer_class = PackageContractSerializer  # documents the shapes; the workflows node validates
    schema_name = "WorkflowsPackage"

    wire_routes = (
        WireRoute(f"getPackagesByType/{TYPE}", "get", "get_packages_by_type"),
        WireRoute(f"getPackagesByEntity/{ENTITY}", "get", "get_packages_by_entity"),
        WireRoute(f"getActivePackage/{ENTITY}", "get", "get_active_package"),
        WireRoute("validatePackage", "post", "validate_package"),
        WireRoute("submitPackage", "post", "submit_package"),
        WireRoute("withdrawPackage", "post", "withdraw_package"),
    )

    def get_packages_by_type(self, request: Request, entity_type: str) -> Response:
        return Response([asdict(p) for p in hooks.workflows_gateway().get_packages_by_type(entity_type)])

    def get_packages_by_entity(self, request: Request, entity_id: str, entity_type: str) -> Response:
        packages = hooks.workflows_gateway().get_packages_by_entity(int(entity_id), entity_type)
        return Response([asdict(p) for p in packages])

    def get_active_package(self, request: Request, entity_id: str, entity_type: str) -> Response:
        package = hooks.workflows_gateway().get_active_package(int(entity_id), entity_type)
        if package is None:
            return Response(f"{entity_type} {entity_id} has no active package", status=404)
        return Response(asdict(package))

    def validate_package(self, request: Request) -> Response:
        return validation_response(hooks.workflows_gateway().validate_package(self._package(request)))

    def submit_package(self, request: Request) -> Response:
        return api_response(hooks.workflows_gateway().submit_package(self._package(request)), asdict)

    def withdraw_package(self, request: Request) -> Response:
        serializer = IdSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return api_response(hooks.workflows_gateway().withdraw_package(serializer.validated_data["id"]))

    def get_queryset(self):
        return []

    def _package(self, request: Request) -> PackageData:
        data: Any = request.data
        if not isinstance(data, dict):
            raise ParseError("Expected a JSON object")
        return PackageData.from_wire(data)


@ensure_csrf_cookie
def proposals_app(request: HttpRequest) -> HttpResponse:
    """The Proposals app: proposals as cards, their packages, live through both nodes' hubs."""
    workflows_url = dd_settings.gateways.get("workflows", {}).get("url", "").rstrip("/")
    return render(request, "proposals/app.html", app_context(workflows_hub=f"{workflows_url}/events/package"))


document_entity_viewset(WorkflowsProxyViewSet)
