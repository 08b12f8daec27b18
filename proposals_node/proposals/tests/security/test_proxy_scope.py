"""The workflows proxy forwards proposals' packages only: no other entity type, no proposal this node lacks."""

from __future__ import annotations

import pytest

from proposals.models import Proposal

from .test_permissions import client_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def closed(settings):
    settings.DD_ALLOW_ANONYMOUS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def proposer(db):
    return client_of("proposer", groups=("proposers",))


@pytest.mark.parametrize(
    "path",
    [
        "/api/workflows/getPackagesByType/{}",
        "/api/workflows/getPackagesByEntity/1/{}",
        "/api/workflows/getActivePackage/1/{}",
    ],
)
def test_reads_are_about_proposals_only(workflows, proposer, path):
    for other in ("Invoice", "proposal"):  # workflows matches types exactly: "proposal" is another type
        refused = proposer.get(path.format(other))
        assert refused.status_code == 404 and "Only packages of Proposal" in refused.json_body
    assert workflows.calls == []
    assert proposer.get(path.format("Proposal")).status_code in (200, 204)


@pytest.mark.parametrize("route", ["validatePackage", "submitPackage"])
def test_validate_and_submit_only_for_a_proposal_stored_here(workflows, proposer, make_proposal, route):
    proposal = make_proposal()
    invoice = proposer.post(f"/api/workflows/{route}", {"value": "v", "entityId": proposal.pk, "entityType": "Invoice"})
    assert invoice.status_code == 404
    missing = proposer.post(f"/api/workflows/{route}", {"value": "v", "entityId": 987654, "entityType": "Proposal"})
    assert missing.status_code == 404 and missing.json_body == "Proposal 987654 not found"
    assert workflows.calls == []
    body = {"value": "v", "entityId": proposal.pk, "entityType": "Proposal"}
    assert proposer.post(f"/api/workflows/{route}", body).status_code == 200


def test_withdraw_only_a_package_of_a_proposal_stored_here(workflows, proposer, make_proposal):
    proposal = make_proposal()
    invoices = workflows.add(proposal.pk, entity_type="Invoice")["id"]
    strangers = workflows.add(987654)["id"]  # a Proposal package, but of no proposal here
    for package_id in (invoices, strangers, 424242):
        refused = proposer.post("/api/workflows/withdrawPackage", {"id": package_id})
        assert refused.status_code == 404, package_id
    assert not any(call.startswith("POST /withdrawPackage") for call in workflows.calls)
    # submitted a moment ago: PackageSaga has not linked it yet, the gateway says whose it is
    unlinked = workflows.add(proposal.pk)["id"]
    assert proposer.post("/api/workflows/withdrawPackage", {"id": unlinked}).status_code == 200


def test_withdraw_a_linked_package_asks_the_gateway_nothing_more(workflows, proposer, make_proposal):
    package_id = workflows.add(make_proposal().pk)["id"]
    Proposal.objects.update(package_id=package_id)  # as PackageSaga links it
    assert proposer.post("/api/workflows/withdrawPackage", {"id": package_id}).status_code == 200
    assert workflows.calls == ["POST /withdrawPackage"]


def test_resubmit_only_a_package_of_a_proposal_stored_here(workflows, proposer, make_proposal):
    proposal = make_proposal()
    invoices = workflows.add(proposal.pk, state="Returned", entity_type="Invoice")["id"]
    body = {"id": invoices, "value": "v", "entityId": proposal.pk, "entityType": "Proposal"}
    assert proposer.post("/api/workflows/submitPackage", body).status_code == 404
