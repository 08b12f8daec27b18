"""Proposals routes and the workflows proxy on a closed node: who may do what, and for whom the proxy acts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.http import HttpRequest

from distributed_core.auth.tokens import issue_token
from distributed_core.testing import JsonClient

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def closed(settings):
    settings.DD_ALLOW_ANONYMOUS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_of(username: str | None, *permissions: str, groups: tuple[str, ...] = ()) -> JsonClient:
    client = JsonClient()
    if username is None:
        return client
    user = User.objects.create_user(username, password=PASSWORD)
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    user.groups.add(*Group.objects.filter(name__in=groups))
    client.client.defaults["HTTP_AUTHORIZATION"] = f"Token {issue_token(user)[1]}"
    return client


@pytest.fixture
def people(db):
    return {
        "anonymous": client_of(None),
        "viewer": client_of("viewer", "view_proposal", "view_status"),
        "proposer": client_of("proposer", groups=("proposers",)),
    }


def test_the_proposers_group_may_do_everything_with_proposals():
    codenames = Group.objects.get(name="proposers").permissions.values_list("codename", flat=True)
    assert sorted(codenames) == ["add_proposal", "change_proposal", "delete_proposal", "view_proposal", "view_status"]


@pytest.mark.parametrize("path", ["/api/proposal/get", "/api/status/get", "/api/workflows/getPackagesByType/Proposal"])
def test_reads(people, path):
    assert people["anonymous"].get(path).status_code == 401
    assert people["viewer"].get(path).status_code == 200
    assert people["proposer"].get(path).status_code == 200


def test_writes(people, make_proposal):
    body = {"title": "Budget", "value": "Spend less"}
    assert people["anonymous"].post("/api/proposal/save", body).status_code == 401
    refused = people["viewer"].post("/api/proposal/save", body)
    assert refused.status_code == 403 and "proposals.add_proposal" in refused.json_body
    saved = people["proposer"].post("/api/proposal/save", body)
    assert saved.status_code == 200
    proposal_id = saved.json_body["data"]["id"]
    assert people["viewer"].delete("/api/proposal/remove", {"id": proposal_id}).status_code == 403
    assert people["proposer"].delete("/api/proposal/remove", {"id": proposal_id}).status_code == 200


def test_submitting_through_the_proxy_needs_change_proposal(people, make_proposal):
    proposal = make_proposal()
    body = {"value": "Review", "entityId": proposal.pk, "entityType": "Proposal"}
    assert people["anonymous"].post("/api/workflows/submitPackage", body).status_code == 401
    refused = people["viewer"].post("/api/workflows/submitPackage", body)
    assert refused.status_code == 403 and "proposals.change_proposal" in refused.json_body
    assert people["proposer"].post("/api/workflows/submitPackage", body).status_code == 200


def test_the_proxy_acts_for_the_signed_in_user_whatever_the_request_claims(people, make_proposal, workflows):
    body = {"value": "Review", "entityId": make_proposal().pk, "entityType": "Proposal"}
    people["proposer"].post("/api/workflows/submitPackage", body, **{"X-On-Behalf-Of": "boss"})
    sent = workflows.headers[-1]
    assert sent["X-On-Behalf-Of"] == "proposer" and sent["Authorization"] == "Bearer token"


def test_without_a_credential_the_proxy_claims_nobody(people, make_proposal, workflows, monkeypatch):
    from contracts.workflows import WorkflowsGateway

    from ..fake_workflows import BASE

    session = workflows_session(workflows)
    monkeypatch.setattr("proposals.hooks.workflows_gateway", lambda: WorkflowsGateway(BASE, "", session=session))
    people["proposer"].get("/api/workflows/getPackagesByType/Proposal")
    assert "X-On-Behalf-Of" not in workflows.headers[-1]  # an open gateway would refuse the claim


def workflows_session(fake):
    import requests

    session = requests.Session()
    session.mount("http://workflows.test", fake)
    return session


def test_the_app_shows_a_viewer_no_button_to_change_anything(people, client):
    User.objects.create_user("watcher", password=PASSWORD).user_permissions.add(
        *Permission.objects.filter(codename__in=["view_proposal", "view_status"])
    )
    assert client.login(request=HttpRequest(), username="watcher", password=PASSWORD)  # axes needs a request
    page = client.get("/").content.decode()
    assert "Signed in as <strong>watcher</strong>" in page and 'id="create-form"' not in page
    assert '{"add": false, "change": false, "remove": false, "submit": false}' in page


@pytest.mark.parametrize("id_", ["0", "00", 0])
def test_an_id_of_zero_in_any_spelling_adds_and_needs_add_proposal(id_):
    changer = client_of("changer", "change_proposal", "view_proposal")
    refused = changer.post("/api/proposal/save", {"id": id_, "title": "Budget", "value": "Spend less"})
    assert refused.status_code == 403 and "proposals.add_proposal" in refused.json_body
