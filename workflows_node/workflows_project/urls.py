"""Routes of the workflows node: package actions, the gateway, resource API, admin, OpenAPI."""

from workflows.views import PackageViewSet, WorkflowsGatewayViewSet

from distributed_core.api.routes import wire_urls
from distributed_core.api.urls import node_urls

urlpatterns = node_urls(
    wire_urls("api/package", PackageViewSet),
    wire_urls("gateway", WorkflowsGatewayViewSet),
    resources={"package": PackageViewSet},
)

handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
