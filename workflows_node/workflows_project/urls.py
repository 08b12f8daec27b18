"""Routes of the workflows node: package actions, the gateway, resource API, admin, OpenAPI."""

from django.urls import path

from distributed_core.api.routers import WireRouter
from distributed_core.urls import node_urls
from workflows.views import PackageViewSet, WorkflowsGatewayViewSet, workflows_app

router = WireRouter()
router.register("api/package", PackageViewSet)
router.register("gateway", WorkflowsGatewayViewSet)

urlpatterns = [*node_urls(router), path("", workflows_app, name="workflows-app")]

handler400 = "distributed_core.api.errors.bad_request"
handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
