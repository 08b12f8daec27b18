"""Routes of the proposals node: proposals, statuses, the workflows proxy, admin, OpenAPI."""

from django.urls import path

from distributed_core.api.routers import WireRouter
from distributed_core.urls import node_urls
from proposals.views import ProposalViewSet, StatusViewSet, WorkflowsProxyViewSet, proposals_app

router = WireRouter()
router.register("api/proposal", ProposalViewSet)
router.register("api/status", StatusViewSet)
router.register("api/workflows", WorkflowsProxyViewSet)

urlpatterns = [*node_urls(router), path("", proposals_app, name="proposals-app")]

handler400 = "distributed_core.api.errors.bad_request"
handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
