"""Viewset bases whose handlers are wire routes (see `routes.route`), over a Query and a Command.

`EntityViewSet` serves `/api/<entity>/get`, `getFromId/<id>` (alias `getById/<id>`),
`timeline/<id>`, `validate`, `save` and `remove`, and the resource routes with the browsable API: registered
once on a `routers.WireRouter`, which serves both. Every write goes through the Command, every
read through the Query; a subclass adds its own routes the same way, with `@route...` on the
handler. Reads need the model's view permission, writes its add, change or delete permission
(`save`: add or change, by the id); the Command learns who acts (`actor`), for the records that
say who did what.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import viewsets
from rest_framework.request import Request

from ..auth.actors import actor_of
from ..commands import EntityCommand
from ..messages import ApiMessage, ValidationMessage
from ..queries import EntityQuery
from .routes import Reads, Returns, route, routes_of
from .timeline import TimelineEntrySerializer, timeline_of

__all__ = ["EntityViewSet", "QueryCommandMixin", "ReadOnlyEntityViewSet", "WireViewSet"]


class WireViewSet(viewsets.GenericViewSet):
    """A viewset whose handlers are declared with `route`; a `WireRouter` serves them, `WireAutoSchema` documents them.

    `refused_when` (action name -> when) documents, for routes it inherits, when a request the
    schema allows is still refused with a 400 because of what is stored (see `Route.refused_when`).
    `calls_remote` (action name -> the remote node, `"*"` for every action) documents the 503 of
    routes that call another node (its gateway cannot be reached or answers garbage).
    """

    refused_when: dict[str, str] = {}
    calls_remote: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        served = {name for name, _ in routes_of(cls)} | {"*"}
        for table in ("refused_when", "calls_remote"):  # a misspelt action would be ignored silently
            unknown = sorted(set(getattr(cls, table)) - served)
            if unknown:
                raise ImproperlyConfigured(f"{cls.__name__}.{table} names no route of it: {', '.join(unknown)}")

    def get_queryset(self):
        """Nothing by default: routes return what they read (a subclass with a Query returns its entities)."""
        return []


class QueryCommandMixin:
    """Gives a viewset its `query_class` and `command_class`, without any route of its own."""

    query_class: type[EntityQuery]
    command_class: type[EntityCommand]

    def get_query(self) -> EntityQuery:
        """A new `query_class`; a TypeError when the subclass did not set it."""
        query_class = getattr(self, "query_class", None)
        if query_class is None:
            raise TypeError(f"{type(self).__name__} must set `query_class`.")
        return query_class()

    def get_command(self) -> EntityCommand:
        """A new `command_class` acting for the request's user; a TypeError when the subclass did not set it."""
        command_class = getattr(self, "command_class", None)
        if command_class is None:
            raise TypeError(f"{type(self).__name__} must set `command_class`.")
        request = getattr(self, "request", None)
        return command_class(actor=actor_of(request.user) if request is not None else None)

    def get_queryset(self):
        """Every entity through the Query, for DRF's generic machinery (schema, browsable API)."""
        return self.get_query().get()


class ReadOnlyEntityViewSet(QueryCommandMixin, WireViewSet):
    """Reads through a Query: `get`, `getFromId`, and the resource list/retrieve routes."""

    lookup_value_regex = r"[0-9]{1,18}"

    @route.get("get", returns=Returns.LIST, permission="view")
    def get_all(self, request: Request) -> Any:
        """`GET get`: every entity."""
        return self.get_query().get()

    @route.get("getFromId/<int:id>", "getById/<int:id>", returns=Returns.ENTITY, permission="view")
    def get_from_id(self, request: Request, id: int) -> Any:
        """`GET getFromId/<id>` (and `getById/<id>`): one entity, or 404 when there is none."""
        return self.get_query().get_by_id(id)

    @route.get("timeline/<int:id>", returns=Returns.LIST, serializer=TimelineEntrySerializer, permission="view")
    def timeline(self, request: Request, id: int) -> Any:
        """`GET timeline/<id>`: what happened to the entity, in causal order, across nodes (see `api.timeline`)."""
        return timeline_of(self.get_query().get_model(), id)

    # resource routes (the DRF router gives their paths)
    @route.resource(returns=Returns.LIST, permission="view")
    def list(self, request: Request) -> Any:
        """`GET` on the resource list: the same answer as `get`."""
        return self.get_query().get()

    @route.resource(returns=Returns.ENTITY, permission="view")
    def retrieve(self, request: Request, pk: str) -> Any:
        """`GET` on `<pk>`: the same answer as `getFromId/<pk>`."""
        return self.get_query().get_by_id(int(pk))


class EntityViewSet(ReadOnlyEntityViewSet):
    """Reads through a Query and writes through a Command, on action and resource routes."""

    @route.post("validate", reads=Reads.ENTITY, returns=Returns.VALIDATION, permission="save")
    def validate_entity(self, request: Request, id: int | None, data: dict) -> ValidationMessage:
        """`POST validate`: the rules the sent entity breaks, writing nothing."""
        return self.get_command().validate(data, id)

    @route.post("save", reads=Reads.ENTITY, returns=Returns.MESSAGE, permission="save")
    def save_entity(self, request: Request, id: int | None, data: dict) -> ApiMessage:
        """`POST save`: add the sent entity (no id, or 0) or update the stored one."""
        return self.get_command().save(data, id)

    @route.delete("remove", reads=Reads.ID, returns=Returns.REMOVED, permission="delete")
    def remove_entity(self, request: Request, id: int) -> ApiMessage:
        """`DELETE remove`: delete the entity whose `id` the body carries."""
        return self.get_command().remove(id)

    # resource routes (the DRF router gives their paths)
    @route.resource(reads=Reads.ENTITY, returns=Returns.MESSAGE, permission="add")
    def create(self, request: Request, id: int | None, data: dict) -> ApiMessage:
        """`POST` on the resource list: always adds, ignoring any id in the body."""
        return self.get_command().save(data)

    @route.resource(reads=Reads.ENTITY, returns=Returns.MESSAGE, permission="change")
    def update(self, request: Request, pk: str, id: int | None, data: dict) -> ApiMessage:
        """`PUT` on `<pk>`: apply the sent fields to that stored entity (the URL's id wins) and save."""
        command = self.get_command()
        if not int(pk):  # save() reads id 0 as "add"; here the id names a stored entity, and none has id 0
            raise command.not_found(0)
        return command.save(data, int(pk))

    @route.resource(returns=Returns.REMOVED, permission="delete")
    def destroy(self, request: Request, pk: str) -> ApiMessage:
        """`DELETE` on `<pk>`: remove through the Command, answering the envelope rather than an empty 204."""
        return self.get_command().remove(int(pk))
