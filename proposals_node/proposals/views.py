"""Proposal and status routes, and `/api/workflows/...`: a proxy of the workflows gateway for browser apps.

Reads need the model's view permission, writes its add, change or delete permission (the
proposers group has them all). The proxy's routes are about proposals' packages: reading them
needs `proposals.view_proposal`, submitting or withdrawing one `proposals.change_proposal`, and
it calls the workflows gateway on behalf of the signed-in user, who is recorded there. It
forwards nothing about other entity types or about proposals this node does not hold: those are
404s (the proxy has no such entity), so a proposer cannot use proposals' credential for them.
A submit or withdrawal is forwarded with the caller's `Idempotency-Key` (a new one if it sent
none), so that its retry, this node's or the caller's, is answered by workflows without acting twice.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request

from contracts.workflows import PackageData, PackageDataSerializer, WorkflowsGateway
from contracts.workflows import WorkflowsGatewayRoutes as GATEWAY
from distributed_core.api.idempotency import request_key
from distributed_core.api.routes import Returns, route
from distributed_core.api.viewsets import EntityViewSet, ReadOnlyEntityViewSet, WireViewSet
from distributed_core.auth.actors import actor_of
from distributed_core.conf import dd_settings
from distributed_core.exceptions import NotFound
from distributed_core.messages import ApiMessage, ValidationMessage
from distributed_core.pages import app_context

from . import hooks
from .commands import ProposalCommand
from .models import Proposal
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

    @route.get("getStatus/<int:id>", returns=Returns.ENTITY, serializer=StatusSerializer, permission="view")
    def get_status(self, request: Request, id: int) -> Any:
        return self.get_query().get_status(id)


class StatusViewSet(ReadOnlyEntityViewSet):
    """Statuses are written by the proposal hooks and the PackageSaga only: read-only here."""

    query_class = StatusQuery
    serializer_class = StatusSerializer


# the only entity type the proxy forwards; workflows matches types exactly, case included
PROPOSAL = Proposal.type_name()


class WorkflowsProxyViewSet(WireViewSet):
    """Forwards the workflows gateway's routes about proposals' packages, for browser apps, on behalf of the user."""

    serializer_class = PackageDataSerializer
    schema_name = "WorkflowsPackage"
    calls_remote = {"*": "workflows"}
    permission_model = Proposal  # the packages are about proposals: view to read, change to submit or withdraw

    def gateway(self) -> WorkflowsGateway:
        """The workflows gateway client, acting for the signed-in user (never for a name the request claims)."""
        return hooks.workflows_gateway().on_behalf_of(actor_of(self.request.user))

    def check_type(self, entity_type: str) -> None:
        """Refuse (404) any type but Proposal: the proxy has nothing else."""
        if entity_type != PROPOSAL:
            raise NotFound(f"Only packages of {PROPOSAL} are served here, not of {entity_type}")

    def check_proposal(self, data: dict) -> None:
        """Refuse (404) a package about anything but a proposal stored here."""
        self.check_type(data["entity_type"])
        if not ProposalQuery().exists(data["entity_id"]):
            raise NotFound(f"{PROPOSAL} {data['entity_id']} not found")

    def check_proposals_package(self, package_id: int) -> None:
        """Refuse (404) a package that is not about a proposal stored here.

        The proposal's link (`package_id`) answers without a call, but PackageSaga sets it only
        when it applies the package's OnAdd, and unlinks a decided package: a withdraw right
        after its submit would be refused. So when no proposal links it, the gateway's Proposal
        packages say whose it is (one more call, only then); the proxy trusts neither the body
        nor the saga's progress.
        """
        if ProposalQuery().any_links(package_id):
            return
        about = {
            package.entity_id for package in self.gateway().get_packages_by_type(PROPOSAL) if package.id == package_id
        }
        if not any(ProposalQuery().exists(entity_id) for entity_id in about):
            raise NotFound(f"Package {package_id} is not a package of a {PROPOSAL} here")

    @GATEWAY.get_packages_by_type.requiring("view")
    def get_packages_by_type(self, request: Request, entity_type: str) -> list[PackageData]:
        self.check_type(entity_type)
        return self.gateway().get_packages_by_type(entity_type)

    @GATEWAY.get_packages_by_entity.requiring("view")
    def get_packages_by_entity(self, request: Request, entity_id: int, entity_type: str) -> list[PackageData]:
        self.check_type(entity_type)
        return self.gateway().get_packages_by_entity(entity_id, entity_type)

    @GATEWAY.get_active_package.requiring("view")
    def get_active_package(self, request: Request, entity_id: int, entity_type: str) -> PackageData | None:
        self.check_type(entity_type)
        return self.gateway().get_active_package(entity_id, entity_type)

    @GATEWAY.validate_package.requiring("change")
    def validate_package(self, request: Request, id: int | None, data: dict) -> ValidationMessage:
        self.check_proposal(data)
        if id:
            self.check_proposals_package(id)
        return self.gateway().validate_package(PackageData(**data, id=id or 0))

    @GATEWAY.submit_package.requiring("change")
    def submit_package(self, request: Request, id: int | None, data: dict) -> ApiMessage[PackageData]:
        self.check_proposal(data)
        if id:  # a resubmit: the package must be a proposal's too, not only the body
            self.check_proposals_package(id)
        return self.gateway().submit_package(PackageData(**data, id=id or 0), request_key(request))

    @GATEWAY.withdraw_package.requiring("change")
    def withdraw_package(self, request: Request, id: int) -> ApiMessage[int]:
        self.check_proposals_package(id)
        return self.gateway().withdraw_package(id, request_key(request))


# what the Proposals app offers, and the permission each needs (its buttons show only when allowed)
APP_PERMISSIONS = {
    "add": "proposals.add_proposal",
    "change": "proposals.change_proposal",
    "remove": "proposals.delete_proposal",
    "submit": "proposals.change_proposal",
}


def proposals_app(request: HttpRequest) -> HttpResponse:
    """The Proposals app: proposals as cards, their packages, live through both nodes' hubs."""
    workflows_url = dd_settings.gateways.get("workflows", {}).get("url", "").rstrip("/")
    context = app_context(request, APP_PERMISSIONS, workflows_hub=f"{workflows_url}/events/package")
    return render(request, "proposals/app.html", context)
