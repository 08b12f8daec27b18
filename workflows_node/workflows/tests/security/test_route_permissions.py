"""Every package route asks for the permission its declaration names: 401 for nobody, 403 without it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

READS = [
    "/api/package/get",
    "/api/package/getFromId/{id}",
    "/api/package/getById/{id}",
    "/api/package/getActive",
    "/api/package/getCompleted",
    "/api/package/getByType/Proposal",
    "/api/package/getByEntity/1/Proposal",
    "/api/package/getActivePackage/1/Proposal",
    "/api/package/",
    "/api/package/{id}/",
]
DECISIONS = ["approve", "reject", "return"]


@pytest.mark.parametrize("path", READS)
def test_reads_need_the_view_permission(people, make_package, path):
    url = path.format(id=make_package().pk)
    anonymous = people["anonymous"].get(url)
    assert anonymous.status_code == 401 and isinstance(anonymous.json_body, str)
    assert anonymous["WWW-Authenticate"] == "Token"
    assert people["viewer"].get(url).status_code == 200
    assert people["approver"].get(url).status_code == 200  # approvers see what they decide on


@pytest.mark.parametrize("decision", DECISIONS)
def test_decisions_need_decide_package(people, make_package, decision):
    package = make_package()
    for who, status in (("anonymous", 401), ("viewer", 403), ("editor", 403)):
        refused = people[who].post(f"/api/package/{decision}", {"id": package.pk})
        assert refused.status_code == status and isinstance(refused.json_body, str)
    refused = people["editor"].post(f"/api/package/{decision}", {"id": package.pk})
    assert refused.json_body == "editor may not do this: it needs the workflows.decide_package permission"
    package.refresh_from_db()
    assert package.state == "Pending"
    decided = people["approver"].post(f"/api/package/{decision}", {"id": package.pk})
    assert decided.status_code == 200, decided.json_body
    assert decided.json_body["data"]["decidedBy"] == "approver" and "decidedAt" in decided.json_body["data"]


NEW = {"value": "Please decide", "entityId": 7, "entityType": "Proposal"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/package/save", NEW),
        ("post", "/api/package/validate", NEW),
        ("post", "/api/package/", NEW),
    ],
)
def test_adding_needs_the_add_permission(people, method, path, body):
    assert getattr(people["anonymous"], method)(path, body).status_code == 401
    for who in ("viewer", "approver"):
        refused = getattr(people[who], method)(path, body)
        assert refused.status_code == 403 and "workflows.add_package" in refused.json_body
    assert getattr(people["editor"], method)(path, body).status_code == 200


def test_saving_an_existing_package_needs_the_change_permission(people, make_package):
    package = make_package()
    body = {"id": package.pk, "value": "Changed"}
    refused = people["viewer"].post("/api/package/save", body)
    assert refused.status_code == 403 and "workflows.change_package" in refused.json_body
    assert people["editor"].post("/api/package/save", body).status_code == 200
    assert people["viewer"].call("put", f"/api/package/{package.pk}/", body).status_code == 403
    assert people["editor"].call("put", f"/api/package/{package.pk}/", body).status_code == 200


def test_removing_needs_the_delete_permission(people, make_package):
    first, second = make_package(entity_id=1), make_package(entity_id=2)
    assert people["anonymous"].delete("/api/package/remove", {"id": first.pk}).status_code == 401
    refused = people["approver"].delete("/api/package/remove", {"id": first.pk})
    assert refused.status_code == 403 and "workflows.delete_package" in refused.json_body
    assert people["editor"].delete("/api/package/remove", {"id": first.pk}).status_code == 200
    assert people["viewer"].delete(f"/api/package/{second.pk}/").status_code == 403
    assert people["editor"].delete(f"/api/package/{second.pk}/").status_code == 200


def test_who_submitted_is_recorded_and_clients_cannot_write_it(people):
    body = {**NEW, "submittedBy": "mallory", "decidedBy": "mallory", "decidedAt": "2020-01-01T00:00:00Z"}
    saved = people["editor"].post("/api/package/save", body).json_body["data"]
    assert saved["submittedBy"] == "editor" and "decidedBy" not in saved and "decidedAt" not in saved


def test_an_open_node_lets_anybody_do_anything(people, make_package, settings):
    settings.DD_ALLOW_ANONYMOUS = True
    package = make_package()
    approved = people["anonymous"].post("/api/package/approve", {"id": package.pk})
    assert approved.status_code == 200 and "decidedBy" not in approved.json_body["data"]  # nobody signed in
    assert approved.json_body["data"]["decidedAt"]


def test_the_api_root_stays_readable_and_the_schema_needs_someone_identified(people):
    assert people["anonymous"].get("/api/").status_code == 200
    assert people["anonymous"].client.get("/schema/").status_code == 401  # a map of every route: not for strangers
    assert people["viewer"].client.get("/schema/").status_code == 200


def test_a_method_a_route_does_not_serve_is_still_405(people):
    assert people["viewer"].get("/api/package/approve").status_code == 405
