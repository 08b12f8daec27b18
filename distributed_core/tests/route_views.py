"""A viewset of plain objects (no model) declaring one route of each kind, for the route and router tests.

`ThingViewSet` declares only wire routes; `GadgetViewSet` adds DRF's resource routes (`list`,
`retrieve`), so the router serves both kinds and the API root from one registration each.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import serializers

from distributed_core.api.routers import WireRouter
from distributed_core.api.routes import Reads, Returns, route
from distributed_core.api.viewsets import WireViewSet
from distributed_core.exceptions import NotFound
from distributed_core.messages import ApiMessage, ValidationMessage


@dataclass
class Thing:
    id: int
    name: str


class ThingSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, min_value=0)
    name = serializers.CharField(required=False, allow_blank=True)


class ThingViewSet(WireViewSet):
    serializer_class = ThingSerializer
    schema_name = "Thing"

    @route.get("get", returns=Returns.LIST)
    def get_all(self, request):
        return [Thing(1, "one"), Thing(2, "two")]

    @route.get("getFromId/<int:id>", "getById/<int:id>", returns=Returns.ENTITY)
    def get_from_id(self, request, id: int):
        if id > 2:
            raise NotFound(f"Thing {id} not found")
        return Thing(id, "one" if id == 1 else "two")

    @route.get("find/<type:kind>", returns=Returns.ENTITY_OR_NONE)
    def find(self, request, kind: str):
        return None if kind == "none" else Thing(3, kind)

    @route.post("validate", reads=Reads.ENTITY, returns=Returns.VALIDATION)
    def validate_thing(self, request, id: int | None, data: dict):
        return ValidationMessage([] if data.get("name") else ["Name is required"])

    @route.post("save", reads=Reads.ENTITY, returns=Returns.MESSAGE)
    def save_thing(self, request, id: int | None, data: dict):
        return ApiMessage(Thing(id or 7, data.get("name", "")), "saved")

    @route.delete("remove", reads=Reads.ID, returns=Returns.REMOVED)
    def remove_thing(self, request, id: int):
        return ApiMessage(id, f"Thing {id} removed")

    @route.get("", returns=Returns.TEXT)
    def root(self, request):
        return "things"


class GadgetViewSet(WireViewSet):
    serializer_class = ThingSerializer
    lookup_value_regex = r"[0-9]{1,18}"

    @route.get("get", returns=Returns.LIST)
    def get_all(self, request):
        return [Thing(5, "gadget")]

    @route.resource(returns=Returns.LIST)
    def list(self, request):
        return [Thing(5, "gadget")]

    @route.resource(returns=Returns.ENTITY)
    def retrieve(self, request, pk: str):
        if int(pk) != 5:
            raise NotFound(f"Gadget {pk} not found")
        return Thing(5, "gadget")


router = WireRouter()
router.register("api/thing", ThingViewSet)
router.register("api/gadget", GadgetViewSet)
urlpatterns = router.urls
