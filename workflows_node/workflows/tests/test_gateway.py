"""The workflows gateway: its routes and its service credential."""

import uuid

import pytest

from workflows.models import Package

pytestmark = pytest.mark.django_db

NEW = {"value": "Please decide", "title": "Budget", "entityId": 1, "entityType": "Proposal"}


def test_gateway_root_answers_the_gateway_id(api):
    response = api.get("/gateway/")
    assert response.status_code == 200 and uuid.UUID(response.json_body)


def test_gateway_routes(api, make_package):
    submitted = api.post("/gateway/submitPackage", NEW).json_body["data"]
    assert submitted["state"] == "Pending"
    assert api.get("/gateway/getPackagesByType/Proposal").json_body[0]["id"] == submitted["id"]
    assert api.get("/gateway/getPackagesByEntity/1/Proposal").json_body == []  # it is not decided yet
    assert api.get("/gateway/getActivePackage/1/Proposal").json_body["id"] == submitted["id"]
    assert api.post("/gateway/validatePackage", NEW).status_code == 400  # one is already active
    withdrawn = api.post("/gateway/withdrawPackage", {"id": submitted["id"]})
    assert withdrawn.status_code == 200 and withdrawn.json_body["data"] == submitted["id"]
    assert not Package.objects.exists()


def test_gateway_resubmits_a_returned_package(api, make_package):
    package = make_package(state="Returned")
    response = api.post("/gateway/submitPackage", {"id": package.pk, "value": "fixed"})
    assert response.status_code == 200 and response.json_body["data"]["state"] == "Pending"


@pytest.fixture
def protected(settings):
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]


def test_protected_gateway_refuses_a_missing_credential(api, protected):
    response = api.post("/gateway/submitPackage", NEW)
    assert response.status_code == 401 and response.json_body == "A service credential is required"
    assert not Package.objects.exists()


def test_protected_gateway_refuses_a_wrong_credential(api, protected):
    response = api.get("/gateway/", Authorization="Bearer nope")
    assert response.status_code == 403 and response.json_body == "The service credential is not valid"


def test_protected_gateway_accepts_a_valid_credential(api, protected):
    assert api.get("/gateway/", Authorization="Bearer proposals:s3cret").status_code == 200


def test_protected_gateway_takes_the_credential_from_the_header_only(api, protected):
    assert api.get("/gateway/?access_token=proposals:s3cret").status_code == 401  # an HTTP route: the URL counts not


def test_protected_gateway_refuses_the_secret_without_its_callers_name(api, protected):
    assert api.get("/gateway/", Authorization="Bearer s3cret").status_code == 403


def test_browser_api_does_not_need_the_service_credential(api, protected):
    assert api.get("/api/package/get").status_code == 200
