"""Viewset bases that expose a Query + Command pair on the wire's action routes.

`EntityViewSet` serves `/api/<entity>/get`, `getFromId/<id>`, `validate`, `save`, `remove`
(see `routes.ENTITY_ROUTES`) and, through a DRF router, the resource routes with the browsable
API. Every write goes through the Command; every read through the Query.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ..commands import EntityCommand
from ..models import Entity
from ..queries import EntityQuery
from .responses import api_response, validation_response
from .routes import ENTITY_ROUTES, WireRoute
from .schema import document_entity_viewset
from .serializers import IdSerializer

__all__ = ["EntityViewSet", "ReadOnlyEntityViewSet"]


class ReadOnlyEntityViewSet(viewsets.GenericViewSet):
    """Reads through a Query: `get`, `getFromId`, and the resource list/retrieve routes."""

    query_class: type[EntityQuery]
    lookup_value_regex = r"\d+"
    wire_routes: tuple[WireRoute, ...] = ENTITY_ROUTES[:3]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "serializer_class", None) is not None:
            document_entity_viewset(cls)  # OpenAPI shapes depend on the concrete serializer

    def get_query(self) -> EntityQuery:
        """A new `query_class`; a TypeError when the subclass did not set it."""
        query_class = getattr(self, "query_class", None)
        if query_class is None:
            raise TypeError(f"{type(self).__name__} must set `query_class`.")
        return query_class()

    def get_queryset(self):
        """Every entity through the Query, for DRF's generic machinery (schema, browsable API)."""
        return self.get_query().get()

    def serialize(self, data: Any) -> Any:
        """Entities (one, a list, a queryset) through the serializer, a dataclass as a dict, anything else as is."""
        if isinstance(data, Entity):
            return self.get_serializer(data).data
        if isinstance(data, list) or hasattr(data, "model"):
            return self.get_serializer(data, many=True).data
        if dataclasses.is_dataclass(data) and not isinstance(data, type):
            return dataclasses.asdict(data)  # a contract from another node's gateway (e.g. PackageData)
        return data

    # wire actions
    def get_all(self, request: Request) -> Response:
        """`GET get`: every entity, serialized."""
        return Response(self.serialize(self.get_query().get()))

    def get_from_id(self, request: Request, id: str) -> Response:
        """`GET getFromId/<id>` (and `getById/<id>`): one entity, or 404 when there is none."""
        return Response(self.serialize(self.get_query().get_by_id(int(id))))

    # resource routes
    def list(self, request: Request) -> Response:
        """The resource list route: the same answer as `get`."""
        return self.get_all(request)

    def retrieve(self, request: Request, pk: str) -> Response:
        """The resource detail route: the same answer as `getFromId/<pk>`."""
        return self.get_from_id(request, pk)


class EntityViewSet(ReadOnlyEntityViewSet):
    """Reads through a Query and writes through a Command, on action and resource routes."""

    command_class: type[EntityCommand]
    wire_routes = ENTITY_ROUTES

    def get_command(self) -> EntityCommand:
        """A new `command_class`; a TypeError when the subclass did not set it."""
        command_class = getattr(self, "command_class", None)
        if command_class is None:
            raise TypeError(f"{type(self).__name__} must set `command_class`.")
        return command_class()

    def entity_from_request(self, entity_id: int | None = None) -> Entity:
        """Build the entity the client sent: the stored one with the sent fields applied, or a new one."""
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        sent_id = fields.pop("id", None)
        entity_id = entity_id if entity_id is not None else sent_id
        if entity_id:
            entity = self.get_query().get_by_id(entity_id)
        else:
            entity = self.get_query().get_model()()
        for name, value in fields.items():
            setattr(entity, name, value)
        return entity

    def id_from_request(self) -> int:
        """The `id` the request body carries (an integer >= 1); a 400 otherwise."""
        serializer = IdSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["id"]

    def respond(self, message) -> Response:
        """The wire's response to a command's ApiMessage, its data serialized."""
        return api_response(message, self.serialize)

    # wire actions
    def validate_entity(self, request: Request) -> Response:
        """`POST validate`: the rules the sent entity breaks, writing nothing."""
        return validation_response(self.get_command().validate(self.entity_from_request()))

    def save_entity(self, request: Request) -> Response:
        """`POST save`: add the sent entity (no id, or 0) or update the stored one."""
        return self.respond(self.get_command().save(self.entity_from_request()))

    def remove_entity(self, request: Request) -> Response:
        """`DELETE remove`: delete the entity whose `id` the body carries."""
        return self.respond(self.get_command().remove(self.id_from_request()))

    # resource routes
    def create(self, request: Request) -> Response:
        """`POST` on the resource list: always adds, ignoring any id in the body."""
        entity = self.entity_from_request(entity_id=0)
        entity.pk = None
        return self.respond(self.get_command().save(entity))

    def update(self, request: Request, pk: str) -> Response:
        """`PUT` on `<pk>`: apply the sent fields to that stored entity (the URL's id wins) and save."""
        return self.respond(self.get_command().save(self.entity_from_request(entity_id=int(pk))))

    def destroy(self, request: Request, pk: str) -> Response:
        """`DELETE` on `<pk>`: remove through the Command, answering the envelope rather than an empty 204."""
        return self.respond(self.get_command().remove(int(pk)))
