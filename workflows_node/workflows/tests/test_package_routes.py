"""Every package route of the wire contract: status codes and JSON shape."""

import pytest

from workflows.models import Package

pytestmark = pytest.mark.django_db

NEW = {"value": "Please decide", "title": "Budget", "entityId": 1, "entityType": "Proposal"}


def test_save_adds_and_answers_an_api_message(api):
    response = api.post("/api/package/save", NEW)
    assert response.status_code == 200
    body = response.json_body
    assert set(body) == {"data", "message", "error", "hasData"}
    assert body["hasData"] is True and body["error"] is False
    data = body["data"]
    assert data["state"] == "Pending" and data["result"] == "Active" and data["type"] == "Package"
    assert data["entityId"] == 1 and data["entityType"] == "Proposal"
    assert data["dateCreated"].endswith("Z")


def test_nulls_are_omitted_and_keys_are_camel_case(api, make_package):
    make_package()
    item = api.get("/api/package/get").json_body[0]
    assert all("_" not in key for key in item)
    assert None not in item.values()


@pytest.mark.parametrize("path", ["/api/package/get", "/API/PACKAGE/GET", "/api/Package/Get/"])
def test_routes_are_case_insensitive(api, make_package, path):
    make_package()
    response = api.get(path)
    assert response.status_code == 200 and len(response.json_body) == 1


@pytest.mark.parametrize("route", ["getFromId", "getById", "GETFROMID"])
def test_get_from_id(api, make_package, route):
    package = make_package()
    assert api.get(f"/api/package/{route}/{package.pk}").json_body["id"] == package.pk


def test_get_from_id_of_a_missing_package_is_404_with_a_message(api):
    response = api.get("/api/package/getFromId/999")
    assert response.status_code == 404 and response.json_body == "Package 999 not found"


def test_queries(api, make_package):
    pending = make_package(entity_id=1)
    returned = make_package(entity_id=2, state="Returned")
    approved = make_package(entity_id=3, state="Approved")
    make_package(entity_id=4, entity_type="Invoice", state="Rejected")
    ids = lambda path: [item["id"] for item in api.get(path).json_body]  # noqa: E731
    assert ids("/api/package/getActive") == [pending.pk, returned.pk]
    assert approved.pk in ids("/api/package/getCompleted") and len(ids("/api/package/getCompleted")) == 2
    assert len(ids("/api/package/getByType/Proposal")) == 3
    assert ids("/api/package/getByEntity/2/Proposal") == []  # only decided packages, as the original
    assert ids("/api/package/getByEntity/3/Proposal") == [approved.pk]
    assert api.get("/api/package/getActivePackage/2/Proposal").json_body["id"] == returned.pk
    missing = api.get("/api/package/getActivePackage/3/Proposal")
    assert missing.status_code == 204 and missing.content == b""  # the original's Ok(null)


def test_validate_answers_a_validation_message(api):
    ok = api.post("/api/package/validate", NEW)
    assert ok.status_code == 200 and ok.json_body == {"messages": [], "message": "Valid", "isValid": True}
    bad = api.post("/api/package/validate", {**NEW, "value": ""})
    assert bad.status_code == 400 and bad.json_body == "Value is required"


@pytest.mark.parametrize(("action", "state"), [("approve", "Approved"), ("reject", "Rejected"), ("return", "Returned")])
def test_actions(api, make_package, action, state):
    package = make_package()
    response = api.post(f"/api/package/{action}", {"id": package.pk})
    assert response.status_code == 200 and response.json_body["data"]["state"] == state


def test_actions_write_only_the_state_never_fields_sent_along(api, make_package):
    package = make_package(title="original")
    api.post("/api/package/approve", {"id": package.pk, "title": "hacked", "result": "Rejected", "value": "x"})
    package.refresh_from_db()
    assert (package.title, package.result, package.state) == ("original", "Active", "Approved")


def test_invalid_transition_is_400_and_changes_nothing(api, make_package):
    package = make_package(state="Approved")
    response = api.post("/api/package/reject", {"id": package.pk})
    assert response.status_code == 400
    assert response.json_body == f"Package {package.pk} is Approved; only a Pending package can be rejected"
    assert Package.objects.get(pk=package.pk).state == "Approved"


def test_second_active_package_is_400(api, make_package):
    make_package(entity_id=1)
    response = api.post("/api/package/save", NEW)
    assert response.status_code == 400 and response.json_body == "Proposal 1 already has an active package"
    assert Package.objects.count() == 1


def test_update_through_save(api, make_package):
    package = make_package()
    response = api.post("/api/package/save", {"id": package.pk, "value": "changed", "state": "Pending"})
    assert response.status_code == 200 and response.json_body["data"]["value"] == "changed"


def test_state_cannot_change_through_save(api, make_package):
    package = make_package()
    response = api.post("/api/package/save", {"id": package.pk, "value": "v", "state": "Approved"})
    assert response.status_code == 400 and response.json_body == "State cannot be changed through save"


def test_remove_takes_a_json_body_and_answers_the_removed_id(api, make_package):
    package = make_package()
    response = api.delete("/api/package/remove", {"id": package.pk, "title": "ignored"})
    assert response.status_code == 200 and response.json_body["data"] == package.pk
    assert not Package.objects.exists()


def test_resource_routes_and_browsable_api(api, make_package):
    package = make_package()
    assert api.get("/api/package/").json_body[0]["id"] == package.pk
    assert api.get(f"/api/package/{package.pk}/").json_body["id"] == package.pk
    html = api.client.get("/api/package/", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and b"Django REST framework" in html.content
    created = api.post("/api/package/", {**NEW, "entityId": 2})
    assert created.status_code == 200 and created.json_body["data"]["state"] == "Pending"


BAD = [
    ("malformed JSON", "/api/package/save", "{oops", "JSON parse error"),
    ("a list, not an object", "/api/package/save", "[1, 2]", "Expected a dictionary"),
    (
        "a number for a string",
        "/api/package/save",
        '{"value": 5, "entityId": 1, "entityType": "P"}',
        "value: Not a valid string.",
    ),
    (
        "a string for a number",
        "/api/package/save",
        '{"value": "v", "entityId": "one", "entityType": "P"}',
        "entityId: A valid integer is required.",
    ),
    ("an unknown field", "/api/package/save", '{"value": "v", "colour": "red"}', "Unknown field(s): colour"),
    ("a missing id", "/api/package/approve", "{}", "id: This field is required."),
    ("an id that is not a number", "/api/package/approve", '{"id": "x"}', "id: A valid integer is required."),
    (
        "a too long title",
        "/api/package/save",
        '{"value": "v", "entityId": 1, "entityType": "P", "title": "%s"}' % ("t" * 201),
        "title: Ensure this field has no more than 200 characters.",
    ),
]


@pytest.mark.parametrize(("case", "path", "raw", "message"), BAD, ids=[case for case, *_ in BAD])
def test_bad_input_is_a_400_with_a_json_message_and_writes_nothing(api, case, path, raw, message):
    response = api.post(path, raw=raw)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert message in response.json_body
    assert not Package.objects.exists()


def test_missing_entity_is_404(api):
    assert api.post("/api/package/approve", {"id": 777}).status_code == 404
    assert api.delete("/api/package/remove", {"id": 777}).status_code == 404
    assert api.post("/api/package/save", {**NEW, "id": 777}).status_code == 404


def test_oversized_body_is_refused(api):
    response = api.post("/api/package/save", {**NEW, "value": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert isinstance(response.json_body, str)
    assert not Package.objects.exists()


def test_unknown_route_and_wrong_method_are_json(api):
    unknown = api.get("/api/package/nothing-here")
    assert unknown.status_code == 404 and isinstance(unknown.json_body, str)
    wrong = api.get("/api/package/approve")
    assert wrong.status_code == 405 and isinstance(wrong.json_body, str)


def test_openapi_schema_validates_and_documents_the_action_routes(api):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    for path in ["/api/package/approve", "/api/package/getFromId/{id}", "/gateway/submitPackage"]:
        assert path in schema["paths"], sorted(schema["paths"])
    assert api.client.get("/swagger/").status_code == 200
    assert api.get("/schema/?format=json").status_code == 200


def test_a_bug_is_a_json_500_with_an_id_in_the_log_and_no_exception_text(api, caplog):
    from distributed_core import signals

    def buggy(sender, entity, **kwargs):
        raise RuntimeError("secret internals")

    signals.after_add.connect(buggy, sender=Package, weak=False)
    try:
        response = api.post("/api/package/save", NEW)
    finally:
        signals.after_add.disconnect(buggy, sender=Package)
    body = response.json_body
    assert response.status_code == 500 and set(body) == {"type", "message", "path", "id"}
    assert body["type"] == "ServerError" and body["message"] == "Internal server error"
    assert "secret internals" not in response.content.decode()
    logged = [record for record in caplog.records if body["id"] in record.getMessage()]
    assert logged and logged[0].exc_info[1].args == ("secret internals",)
    assert not Package.objects.exists()


@pytest.mark.parametrize("path", ["/api/package/save", "/gateway/submitPackage"])
def test_an_entity_type_with_a_trailing_newline_is_refused(api, path):
    # Python's `$` matches before a final newline: "Proposal\n" would be stored, then no route could name it
    response = api.post(path, {**NEW, "entityType": "Proposal\n"})
    assert response.status_code == 400 and "entityType" in response.json_body
    assert not Package.objects.exists()


@pytest.mark.parametrize("pk", [0, 777])
def test_put_on_a_resource_id_that_names_no_package_is_404_and_adds_nothing(api, pk):
    # save() reads id 0 as "add"; a resource route's id names a stored entity, as GET and DELETE read it
    response = api.call("put", f"/api/package/{pk}/", NEW)
    assert response.status_code == 404 and response.json_body == f"Package {pk} not found"
    assert not Package.objects.exists()


READ_ONLY = ("type", "dateCreated", "dateModified", "submittedBy", "decidedBy", "decidedAt")


def test_read_only_fields_are_accepted_and_ignored_as_the_request_schema_says(api, make_package):
    from drf_spectacular.generators import SchemaGenerator

    request = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]["PackageRequest"]
    for name in READ_ONLY:  # any value: a read-only field is never read, whatever its type
        assert "type" not in request["properties"][name] and "ignored" in request["properties"][name]["description"]
    package = make_package()
    sent_back = {name: "garbage" for name in READ_ONLY}
    response = api.post("/api/package/save", {**NEW, "id": package.pk, "value": "changed", **sent_back})
    assert response.status_code == 200 and response.json_body["data"]["type"] == "Package"
    assert "submittedBy" not in response.json_body["data"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/package/save",
        "/api/package/validate",
        "/api/package/",
        "/gateway/submitPackage",
        "/gateway/validatePackage",
    ],
)
def test_a_new_package_without_its_entity_is_400_with_the_wire_s_message(api, path):
    response = api.post(path, {"value": "x"})
    assert response.status_code == 400 and response.json_body == "EntityId is required; EntityType is required"
    assert not Package.objects.exists()
