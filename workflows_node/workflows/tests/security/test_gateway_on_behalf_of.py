"""The gateway trusts X-On-Behalf-Of (the user a node acts for) only with a valid service credential."""

from __future__ import annotations

import pytest

from distributed_core.testing import JsonClient
from workflows.models import Package

pytestmark = pytest.mark.django_db

NEW = {"value": "Please decide", "entityId": 1, "entityType": "Proposal"}


@pytest.fixture
def api() -> JsonClient:
    return JsonClient()


@pytest.fixture
def credentials(settings):
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]


def test_a_node_records_the_user_it_acts_for(api, credentials):
    headers = {"Authorization": "Bearer proposals:s3cret", "X-On-Behalf-Of": "al%C3%AFce"}  # percent-encoded
    submitted = api.post("/gateway/submitPackage", NEW, **headers)
    assert submitted.status_code == 200 and submitted.json_body["data"]["submittedBy"] == "alïce"


@pytest.mark.parametrize(
    "value",
    [
        "alice%0A2026-01-01 INFO distributed_core.gateway: forged",  # a newline: a forged log line
        "alice%0D%0A",
        "al ice",
        "<script>",
        "%FF%FE",  # not UTF-8
        "",
        "a" * 151,  # longer than a username may be
    ],
)
def test_a_value_that_is_not_a_username_is_a_400_and_writes_nothing(api, credentials, value, caplog):
    caplog.set_level("INFO", logger="distributed_core.gateway")
    headers = {"Authorization": "Bearer proposals:s3cret", "X-On-Behalf-Of": value}
    refused = api.post("/gateway/submitPackage", NEW, **headers)
    assert refused.status_code == 400 and refused["Content-Type"] == "application/json"
    assert refused.json_body == "X-On-Behalf-Of must be a username (letters, digits and @.+-_ only)"
    assert not Package.objects.exists() and "forged" not in caplog.text


@pytest.mark.parametrize("username", ["alice", "alice@example.com", "a.b+c-d_e", "a" * 150])
def test_any_valid_username_is_taken(api, credentials, username):
    headers = {"Authorization": "Bearer proposals:s3cret", "X-On-Behalf-Of": username}
    submitted = api.post("/gateway/submitPackage", NEW, **headers)
    assert submitted.status_code == 200 and submitted.json_body["data"]["submittedBy"] == username


def test_a_node_acting_for_nobody_records_nobody(api, credentials):
    submitted = api.post("/gateway/submitPackage", NEW, Authorization="Bearer proposals:s3cret")
    assert "submittedBy" not in submitted.json_body["data"]


@pytest.mark.parametrize("authorization", [None, "Bearer proposals:forged"])
def test_a_forged_on_behalf_of_is_refused_and_writes_nothing(api, credentials, authorization):
    headers = {"X-On-Behalf-Of": "boss", **({"Authorization": authorization} if authorization else {})}
    refused = api.post("/gateway/submitPackage", NEW, **headers)
    assert refused.status_code == 403 and isinstance(refused.json_body, str)
    assert not Package.objects.exists()


def test_on_an_open_gateway_too(api, settings):
    settings.DD_ALLOW_ANONYMOUS = True  # no SERVICE_TOKENS either: the gateway is open
    assert api.post("/gateway/submitPackage", NEW).status_code == 200
    refused = api.post("/gateway/submitPackage", {**NEW, "entityId": 2}, **{"X-On-Behalf-Of": "boss"})
    assert refused.status_code == 403 and refused.json_body == "X-On-Behalf-Of needs a valid service credential"


def test_a_closed_node_without_service_tokens_takes_no_gateway_call(api):
    refused = api.get("/gateway/")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == 'Bearer realm="gateway"'
    assert refused.json_body == "This node accepts no service credential (SERVICE_TOKENS is not set)"


def test_the_caller_is_named_in_the_log_never_the_secret(api, credentials, caplog):
    caplog.set_level("INFO", logger="distributed_core.gateway")
    api.get("/gateway/", Authorization="Bearer proposals:s3cret", **{"X-On-Behalf-Of": "alice"})
    assert "Gateway: proposals (credential 1 of 1) on behalf of alice calls GET /gateway/" in caplog.text
    assert "s3cret" not in caplog.text
