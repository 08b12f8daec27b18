"""Every proposals route of the wire contract, the workflows proxy included."""

import pytest

from proposals.models import Proposal, Status

pytestmark = pytest.mark.django_db


def test_save_get_get_from_id_and_get_status(api):
    saved = api.post("/api/proposal/save", {"title": "Budget", "value": "Spend less"})
    assert saved.status_code == 200
    data = saved.json_body["data"]
    assert data["type"] == "Proposal" and "packageId" not in data  # nulls omitted
    assert api.get("/api/proposal/get").json_body[0]["id"] == data["id"]
    assert api.get(f"/api/proposal/getById/{data['id']}").json_body["title"] == "Budget"
    status = api.get(f"/api/PROPOSAL/getStatus/{data['id']}")
    assert status.status_code == 200 and status.json_body["state"] == "Created"
    assert status.json_body["id"] == data["statusId"]


def test_resource_routes_answer_with_a_format_suffix_as_without(api, make_proposal):
    # the API root links them so (`/api/.json` -> `/api/proposal.json`): they answered a 500 before
    proposal = make_proposal()
    assert api.get("/api/.json").json_body["proposal"] == "http://testserver/api/proposal.json"
    listed = api.get("/api/proposal.json")
    assert listed.status_code == 200 and listed.json_body == api.get("/api/proposal/").json_body
    assert api.get(f"/api/proposal/{proposal.pk}.json").json_body["id"] == proposal.pk
    assert api.get(f"/api/status/{proposal.status_id}.json").json_body["state"] == "Created"


def test_missing_proposal_is_404(api):
    assert api.get("/api/proposal/getFromId/5").json_body == "Proposal 5 not found"
    assert api.get("/api/proposal/getStatus/5").status_code == 404
    assert api.delete("/api/proposal/remove", {"id": 5}).status_code == 404


def test_validate(api):
    assert api.post("/api/proposal/validate", {"value": "v"}).json_body["isValid"] is True
    bad = api.post("/api/proposal/validate", {"value": ""})
    assert bad.status_code == 400 and bad.json_body == "Value is required"


def test_status_change_through_save_is_400(api, make_proposal):
    proposal = make_proposal()
    response = api.post("/api/proposal/save", {"id": proposal.pk, "value": "v", "statusId": proposal.status_id + 1})
    assert response.status_code == 400 and response.json_body == "Status cannot be changed through save"


def test_update_keeps_the_status(api, make_proposal):
    proposal = make_proposal()
    body = {"id": proposal.pk, "value": "changed", "statusId": proposal.status_id, "type": "Proposal"}
    response = api.post("/api/proposal/save", body)
    assert response.status_code == 200 and response.json_body["data"]["value"] == "changed"


def test_remove_when_workflows_is_down_is_a_503_and_removes_nothing(api, make_proposal, workflows):
    proposal = make_proposal()
    workflows.down = True
    response = api.delete("/api/proposal/remove", {"id": proposal.pk})
    assert response.status_code == 503
    assert response.json_body.startswith("prepare_remove failed: The workflows node cannot be reached")
    assert Proposal.objects.filter(pk=proposal.pk).exists() and Status.objects.exists()


def test_statuses_are_read_only(api, make_proposal):
    proposal = make_proposal()
    assert api.get(f"/api/status/getFromId/{proposal.status_id}").json_body["state"] == "Created"
    assert api.post("/api/status/save", {"value": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{nope", "JSON parse error"),
        ('{"value": ["a"]}', "value: Not a valid string."),
        ('{"value": "v", "owner": "me"}', "Unknown field(s): owner"),
        ('{"value": "v", "id": "seven"}', "id: A valid integer is required."),
    ],
)
def test_bad_input_is_400_and_writes_nothing(api, raw, message):
    response = api.post("/api/proposal/save", raw=raw)
    assert response.status_code == 400 and message in response.json_body
    assert not Proposal.objects.exists() and not Status.objects.exists()


def test_workflows_proxy_forwards_through_the_gateway(api, make_proposal, workflows):
    proposal = make_proposal()
    body = {"value": "Please approve", "entityId": proposal.pk, "entityType": "Proposal"}
    assert api.post("/api/workflows/validatePackage", body).json_body["isValid"] is True
    assert api.post("/api/workflows/validatePackage", {**body, "value": ""}).json_body == "Value is required"
    submitted = api.post("/api/workflows/submitPackage", body)
    assert submitted.status_code == 200 and submitted.json_body["data"]["state"] == "Pending"
    package_id = submitted.json_body["data"]["id"]
    assert api.get(f"/api/workflows/getActivePackage/{proposal.pk}/Proposal").json_body["id"] == package_id
    assert len(api.get("/api/workflows/getPackagesByType/Proposal").json_body) == 1
    assert api.get(f"/api/workflows/getPackagesByEntity/{proposal.pk}/Proposal").json_body == []  # none decided
    withdrawn = api.post("/api/workflows/withdrawPackage", {"id": package_id})
    assert withdrawn.status_code == 200 and withdrawn.json_body["data"] == package_id
    assert api.get(f"/api/workflows/getActivePackage/{proposal.pk}/Proposal").status_code == 204


def test_workflows_proxy_refuses_an_unknown_field_as_the_gateway_does(api, workflows, make_proposal):
    body = {"value": "Please approve", "entityId": make_proposal().pk, "entityType": "Proposal", "colour": "red"}
    for action in ("validatePackage", "submitPackage"):
        refused = api.post(f"/api/workflows/{action}", body)
        assert refused.status_code == 400 and refused.json_body == "Unknown field(s): colour"
    assert api.get("/api/workflows/getPackagesByType/Proposal").json_body == []  # nothing reached workflows


def test_workflows_proxy_says_clearly_when_workflows_is_down(api, workflows, caplog):
    workflows.down = True
    response = api.get("/api/workflows/getPackagesByType/Proposal")
    # the address and the error are for the operator's log, not for every caller
    assert response.status_code == 503 and response.json_body == "The workflows node cannot be reached"
    assert "http://workflows.test" in caplog.text and "fake workflows is down" in caplog.text


def test_openapi_schema_validates(api):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/proposal/getStatus/{id}" in schema["paths"]
    assert api.client.get("/swagger/").status_code == 200


def test_workflows_proxy_refuses_an_entity_type_with_a_trailing_newline(api, workflows, make_proposal):
    body = {"value": "Please approve", "entityId": make_proposal().pk, "entityType": "Proposal\n"}
    refused = api.post("/api/workflows/submitPackage", body)
    assert refused.status_code == 400 and "entityType" in refused.json_body
    assert api.get("/api/workflows/getPackagesByType/Proposal").json_body == []  # nothing reached workflows


def test_package_id_is_type_checked_then_ignored_as_the_request_schema_says(api, make_proposal):
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    package_id = components["ProposalRequest"]["properties"]["packageId"]
    assert package_id["type"] == "integer" and "ignored" in package_id["description"]
    assert "ignored" in components["ProposalRequest"]["properties"]["dateModified"]["description"]
    assert "ignored" in components["PackageDataRequest"]["properties"]["state"]["description"]
    proposal = make_proposal()
    for body in ({"value": "new", "packageId": 7}, {"id": proposal.pk, "value": "changed", "packageId": 7}):
        response = api.post("/api/proposal/save", body)
        assert response.status_code == 200 and "packageId" not in response.json_body["data"]
    assert api.post("/api/proposal/save", {"value": "new", "packageId": "seven"}).status_code == 400
