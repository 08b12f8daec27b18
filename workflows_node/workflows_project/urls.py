"""Routes of the workflows node: package actions, the gateway, resource API, admin, OpenAPI."""

from django.urls import path

from distributed_core.api.routes import wire_urls
from distributed_core.api.urls import node_urls
from workflows.views import PackageViewSet, WorkflowsGatewayViewSet, workflows_app

urlpatterns = node_urls(
    wire_urls("api/package", PackageViewSet),
    wire_urls("gateway", WorkflowsGatewayViewSet),
    resources={"package": PackageViewSet},
)
urlpatterns.append(path("", workflows_app, name="workflows-app"))

handler400 = "distributed_core.api.errors.bad_request"
handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
