"""Route declarations: one declaration gives the URLs (any case, aliases), the request reading and the answer."""

from __future__ import annotations

import json

import pytest
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from distributed_core.api.routes import Reads, Returns, Route, case_insensitive, route, routes_of
from distributed_core.tests.route_views import ThingViewSet


@pytest.fixture(autouse=True)
def project(settings):
    """The thing routes as the URLconf, and the core's exception handler, as a project using the core sets them."""
    settings.ROOT_URLCONF = "distributed_core.tests.route_views"
    settings.REST_FRAMEWORK = {"EXCEPTION_HANDLER": "distributed_core.api.exception_handler.exception_handler"}


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def body(response):
    return json.loads(response.content) if response.content else None


def test_a_declaration_carries_method_paths_reading_and_answer():
    declared = dict(routes_of(ThingViewSet))["get_from_id"]
    assert declared == Route("GET", ("getFromId/<int:id>", "getById/<int:id>"), Reads.NOTHING, Returns.ENTITY)
    assert declared.url(id=5) == "getFromId/5"
    assert sorted(dict(routes_of(ThingViewSet))) == [
        "find", "get_all", "get_from_id", "remove_thing", "root", "save_thing", "validate_thing",
    ]  # fmt: skip


@pytest.mark.parametrize("path", ["/api/thing/get", "/API/THING/GET", "/api/Thing/gEt/", "/api/thing/GET/"])
def test_routes_match_in_any_case_with_an_optional_slash(api, path):
    response = api.get(path)
    assert response.status_code == 200 and [item["id"] for item in body(response)] == [1, 2]


@pytest.mark.parametrize("path", ["/api/thing/getFromId/2", "/api/thing/getById/2", "/api/thing/GETBYID/2"])
def test_an_alias_is_the_same_route(api, path):
    assert body(api.get(path)) == {"id": 2, "name": "two"}


def test_reverse_gives_the_declared_spelling():
    assert reverse("api-thing-getFromId", kwargs={"id": 4}) == "/api/thing/getFromId/4"
    assert resolve("/api/thing/GETFROMID/4").kwargs == {"id": "4"}


def test_path_arguments_arrive_converted_and_bounded(api):
    assert body(api.get("/api/thing/getFromId/1"))["id"] == 1  # an int, not "1"
    assert api.get("/api/thing/getFromId/" + "9" * 18).status_code == 404  # NotFound from the handler
    assert api.get("/api/thing/getFromId/" + "9" * 19).status_code == 404  # no route: too long for a bigint
    assert api.get("/api/thing/getFromId/-1").status_code == 404
    assert api.get("/api/thing/find/1abc").status_code == 404  # a type name starts with a letter


def test_method_is_part_of_the_declaration(api):
    assert api.post("/api/thing/get").status_code == 405
    assert api.get("/api/thing/save").status_code == 405


def test_entity_or_none_answers_204_without_a_body(api):
    assert body(api.get("/api/thing/find/Gadget")) == {"id": 3, "name": "Gadget"}
    none = api.get("/api/thing/find/none")
    assert none.status_code == 204 and none.content == b""


def test_not_found_is_a_404_with_the_message(api):
    response = api.get("/api/thing/getFromId/9")
    assert response.status_code == 404 and body(response) == "Thing 9 not found"


def test_reads_entity_passes_the_id_and_the_validated_data(api):
    added = api.post("/api/thing/save", {"name": "new"}, format="json")
    assert added.status_code == 200 and body(added)["data"] == {"id": 7, "name": "new"}
    updated = api.post("/api/thing/save", {"id": 4, "name": "x"}, format="json")
    assert body(updated)["data"]["id"] == 4 and body(updated)["message"] == "saved"
    zero = api.post("/api/thing/save", {"id": 0, "name": "x"}, format="json")
    assert body(zero)["data"]["id"] == 7  # id 0 adds
    bad = api.post("/api/thing/save", {"id": "seven"}, format="json")
    assert bad.status_code == 400 and "valid integer" in body(bad)


def test_reads_id_takes_only_a_positive_id(api):
    removed = api.delete("/api/thing/remove", {"id": 3, "name": "ignored"}, format="json")
    assert removed.status_code == 200 and body(removed)["data"] == 3
    assert api.delete("/api/thing/remove", {"id": 0}, format="json").status_code == 400
    assert api.delete("/api/thing/remove", {}, format="json").status_code == 400


def test_validation_answers_the_envelope_or_a_400_with_the_text(api):
    valid = api.post("/api/thing/validate", {"name": "n"}, format="json")
    assert valid.status_code == 200 and body(valid)["message"] == "Valid"
    invalid = api.post("/api/thing/validate", {"name": ""}, format="json")
    assert invalid.status_code == 400 and body(invalid) == "Name is required"


def test_text_answers_a_json_string(api):
    assert body(api.get("/api/thing")) == "things"


def test_an_unknown_converter_is_refused_when_declared():
    with pytest.raises(ValueError, match="Unknown converter 'uuid'"):
        route.get("getByKey/<uuid:key>")


def test_case_insensitive_keeps_groups_and_classes():
    assert case_insensitive("ab/(?P<id>[0-9]{1,18})") == "[aA][bB]/(?P<id>[0-9]{1,18})"


@pytest.mark.parametrize("table", ["refused_when", "calls_remote"])
def test_a_viewset_documenting_an_action_it_does_not_serve_is_refused(table):
    from django.core.exceptions import ImproperlyConfigured

    from distributed_core.api.viewsets import WireViewSet

    with pytest.raises(ImproperlyConfigured, match="names no route of it: aprove"):
        type("Misspelt", (WireViewSet,), {table: {"aprove": "when it is not pending"}})
