"""Routes of the proposals node: proposals, statuses, the workflows proxy, admin, OpenAPI."""

from django.urls import path

from distributed_core.api.routes import wire_urls
from distributed_core.api.urls import node_urls
from proposals.views import ProposalViewSet, StatusViewSet, WorkflowsProxyViewSet, proposals_app

urlpatterns = node_urls(
    wire_urls("api/proposal", ProposalViewSet),
    wire_urls("api/status", StatusViewSet),
    wire_urls("api/workflows", WorkflowsProxyViewSet),
    resources={"proposal": ProposalViewSet, "status": StatusViewSet},
)
urlpatterns.append(path("", proposals_app, name="proposals-app"))

handler400 = "distributed_core.api.errors.bad_request"
handler404 = "distributed_core.api.errors.not_found"
handler500 = "distributed_core.api.errors.server_error"
