"""Package routes (`/api/package/...`) and the workflows gateway (`/gateway/...`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework.request import Request
from rest_framework.response import Response

from distributed_core.api.routes import ENTITY_ROUTES, WireRoute
from distributed_core.api.viewsets import EntityViewSet
from distributed_core.gateway.server import GATEWAY_ID_ROUTE, GatewayMixin
from distributed_core.pages import app_context

from .commands import PackageCommand
from .queries import PackageQuery
from .serializers import PackageSerializer

ENTITY = r"(?P<entity_id>\d+)/(?P<entity_type>[A-Za-z][\w.-]*)"
TYPE = r"(?P<entity_type>[A-Za-z][\w.-]*)"


class PackageViewSet(EntityViewSet):
    """Packages: reads, save, remove, and the approve/reject/return actions."""

    query_class = PackageQuery
    command_class = PackageCommand
    serializer_class = PackageSerializer
    wire_routes = (
        *ENTITY_ROUTES,
        WireRoute("getActive", "get", "get_active"),
        WireRoute("getCompleted", "get", "get_completed"),
        WireRoute(f"getByType/{TYPE}", "get", "get_by_type"),
        WireRoute(f"getByEntity/{ENTITY}", "get", "get_by_entity"),
        WireRoute(f"getActivePackage/{ENTITY}", "get", "get_active_package"),
        WireRoute("approve", "post", "approve"),
        WireRoute("reject", "post", "reject"),
        WireRoute("return", "post", "return_"),
    )

    def get_active(self, request: Request) -> Response:
        return Response(self.serialize(self.get_query().get_active()))

    def get_completed(self, request: Request) -> Response:
        return Response(self.serialize(self.get_query().get_completed()))

    def get_by_type(self, request: Request, entity_type: str) -> Response:
        return Response(self.serialize(self.get_query().get_by_type(entity_type)))

    def get_by_entity(self, request: Request, entity_id: str, entity_type: str) -> Response:
        return Response(self.serialize(self.get_query().get_by_entity(int(entity_id), entity_type)))

    def get_active_package(self, request: Request, entity_id: str, entity_type: str) -> Response:
        return Response(self.serialize(self.get_query().get_active_package(int(entity_id), entity_type)))

    def approve(self, request: Request) -> Response:
        return self.respond(self.get_command().approve(self.id_from_request()))

    def reject(self, request: Request) -> Response:
        return self.respond(self.get_command().reject(self.id_from_request()))

    def return_(self, request: Request) -> Response:
        return self.respond(self.get_command().return_(self.id_from_request()))

    def submit(self, request: Request) -> Response:
        return self.respond(self.get_command().submit(self.entity_from_request()))

    def withdraw(self, request: Request) -> Response:
        return self.respond(self.get_command().withdraw(self.id_from_request()))


class WorkflowsGatewayViewSet(GatewayMixin, PackageViewSet):
    """The workflows gateway: what other nodes may ask of packages, behind a service credential."""

    wire_routes = (
        GATEWAY_ID_ROUTE,
        WireRoute(f"getPackagesByType/{TYPE}", "get", "get_by_type"),
        WireRoute(f"getPackagesByEntity/{ENTITY}", "get", "get_by_entity"),
        WireRoute(f"getActivePackage/{ENTITY}", "get", "get_active_package"),
        WireRoute("validatePackage", "post", "validate_entity"),
        WireRoute("submitPackage", "post", "submit"),
        WireRoute("withdrawPackage", "post", "withdraw"),
    )


@ensure_csrf_cookie
def workflows_app(request: HttpRequest) -> HttpResponse:
    """The Workflows app: active packages to decide on, completed ones below, live through the hub."""
    return render(request, "workflows/app.html", app_context())
