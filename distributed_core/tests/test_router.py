"""WireRouter: one registration serves a viewset's wire routes and DRF's resource routes; the schema reads the same."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework import routers
from rest_framework.test import APIClient

from distributed_core.api.routers import WireRouter
from distributed_core.api.routes import Returns, route
from distributed_core.api.viewsets import WireViewSet
from distributed_core.tests.route_views import GadgetViewSet, ThingSerializer, ThingViewSet


@pytest.fixture(autouse=True)
def project(settings):
    """The thing and gadget routes as the URLconf, documented by the core's schema class."""
    settings.ROOT_URLCONF = "distributed_core.tests.route_views"
    settings.REST_FRAMEWORK = {
        "EXCEPTION_HANDLER": "distributed_core.api.exception_handler.exception_handler",
        "DEFAULT_SCHEMA_CLASS": "distributed_core.api.schema.WireAutoSchema",
    }


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def body(response):
    return json.loads(response.content) if response.content else None


def test_wire_routes_are_drf_routes_read_from_the_declarations():
    routes = WireRouter().get_wire_routes(ThingViewSet)
    assert all(isinstance(declared, routers.Route) for declared in routes)
    by_name = {declared.name: declared for declared in routes}
    assert by_name["{prefix}-getFromId"].url == "^{prefix}/getFromId/(?P<id>[0-9]{{1,18}})/?$"
    assert by_name["{prefix}-getById"].mapping == by_name["{prefix}-getFromId"].mapping == {"get": "get_from_id"}
    assert by_name["{prefix}-remove"].mapping == {"delete": "remove_thing"}
    assert by_name["{prefix}-root"].url == "^{prefix}/?$"


def test_one_registration_serves_wire_and_resource_routes(api):
    assert body(api.get("/API/GADGET/GET")) == [{"id": 5, "name": "gadget"}]  # wire: any case
    assert body(api.get("/api/gadget/")) == [{"id": 5, "name": "gadget"}]  # DRF's list
    assert body(api.get("/api/gadget/5/")) == {"id": 5, "name": "gadget"}  # DRF's retrieve
    assert api.get("/api/gadget/6/").status_code == 404
    assert reverse("gadget-list") == "/api/gadget/" and reverse("gadget-detail", kwargs={"pk": 5}) == "/api/gadget/5/"
    assert reverse("api-gadget-get") == "/api/gadget/get"


def test_resource_routes_keep_drf_rules_and_wire_routes_keep_theirs(api):
    assert api.get("/API/GADGET/").status_code == 404  # DRF's routes are case-sensitive
    assert body(api.get("/api/gadget.json")) == [{"id": 5, "name": "gadget"}]  # ... with format suffixes
    assert body(api.get("/api/gadget/5.json")) == {"id": 5, "name": "gadget"}
    assert api.get("/api/gadget/get.json").status_code == 404  # a wire route has none
    assert api.get("/api/thing/").status_code == 200  # the wire root of things, optional slash
    assert api.get("/api/thing/1/").status_code == 404  # no resource route: ThingViewSet declares none


def test_the_api_root_links_the_resources_with_a_list(api):
    response = api.get("/api/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert body(response) == {"gadget": "http://testserver/api/gadget/"}
    assert api.get("/api/.json").status_code == 200


def test_the_basename_is_the_last_part_of_the_prefix():
    router = WireRouter()
    router.register("api/thing", ThingViewSet)
    router.register("gateway", GadgetViewSet)
    assert [basename for _, _, basename in router.registry] == ["thing", "gateway"]


def test_declaring_a_viewset_leaves_its_handlers_alone():
    # the shapes are built when the schema is generated, not when the class is made
    class Widgets(WireViewSet):
        serializer_class = ThingSerializer

        @route.get("count", returns=Returns.TEXT)
        def count(self, request):
            return "3"

    class MoreWidgets(Widgets):
        pass

    assert "count" not in MoreWidgets.__dict__ and not hasattr(Widgets.count, "kwargs")


def test_the_schema_documents_each_route_from_its_declaration():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import patched_settings

    hooks = {"PREPROCESSING_HOOKS": ["distributed_core.api.schema.case_insensitive_paths"]}
    with patched_settings({**hooks, "COMPONENT_SPLIT_REQUEST": True}):  # as base_settings has them
        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    remove = paths["/api/thing/remove"]["delete"]
    assert remove["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/IdRequest"}
    assert sorted(remove["responses"]) == ["200", "400", "401", "403", "404", "409", "422", "503"]
    (key,) = remove["parameters"]  # a command: its retry's Idempotency-Key
    assert (key["in"], key["name"], key["schema"]["maxLength"]) == ("header", "Idempotency-Key", 255)
    assert remove["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ThingRemovedApiMessage"
    }
    find = paths["/api/thing/find/{kind}"]["get"]
    assert sorted(find["responses"]) == ["200", "204", "401", "403", "404", "503"]
    (kind,) = find["parameters"]
    assert kind["in"] == "path" and kind["schema"]["pattern"].startswith("^[A-Za-z]")
    retrieve = paths["/api/gadget/{id}/"]["get"]
    assert sorted(retrieve["responses"]) == ["200", "401", "403", "404", "503"]
