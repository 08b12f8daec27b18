"""Wire routes, each declared once on the handler that serves it (in the style of DRF's `@action`).

    @route.post("archive", reads=Reads.ID, returns=Returns.MESSAGE, permission="billing.archive_invoice")
    def archive(self, request, id: int) -> ApiMessage[Invoice]:
        return self.get_command().archive(id)

A `Route` carries the wire path (aliases too: `getFromId/<int:id>` and `getById/<int:id>`), the
HTTP method, how the request is read, what kind of answer the handler's result makes and who
may call it (`permission`: a kind of the view model's permissions, or a codename; enforced by
`permissions.RoutePermission`, the one place that checks it). The
handler receives typed arguments and returns domain objects; the route turns them into the
wire's status codes. A route that runs a command (`Returns.MESSAGE`, `Returns.REMOVED`) takes an
`Idempotency-Key` (see `idempotency`): a retry with it gets the first answer, without acting
again. From the same declaration `routers.WireRouter` builds case-insensitive URL patterns,
`schema.WireAutoSchema` the OpenAPI shapes, and a gateway client the URL it calls
(`Route.url()`). A `Route` made on its own (a contract's path table) decorates any number of
handlers: the server's, a proxy's.

Paths use `<int:name>` (a positive id, at most 18 digits so it fits a bigint: a longer one is
simply no route) and `<type:name>` (an entity type name).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..wire import TYPE_NAME
from .responses import api_response, validation_response

__all__ = [
    "PERMISSION_KINDS",
    "Reads",
    "Returns",
    "Route",
    "case_insensitive",
    "route",
    "routes_of",
    "saved_id",
]

CONVERTERS = {"int": r"[0-9]{1,18}", "type": TYPE_NAME}
_PARAMETER = re.compile(r"<(?P<converter>\w+):(?P<name>\w+)>")


class Reads(Enum):
    """How a route reads its request; the handler receives the result as keyword arguments."""

    NOTHING = "nothing"  # path arguments only
    ID = "id"  # a JSON body `{"id": <int >= 1>}`: the handler gets `id`; other fields are ignored
    ENTITY = "entity"  # a JSON body checked by the view's serializer: the handler gets `id` (None
    #                    when the body's id is absent or 0) and `data` (the other validated fields)


# What a route's `permission` may say besides an explicit `"<app_label>.<codename>"`: a kind of the
# view model's own permissions, or "save" (add when the body's id is absent or 0, else change)
PERMISSION_KINDS = ("view", "add", "change", "delete", "save")
_DEFAULT_KIND = {"GET": "view", "DELETE": "delete"}  # any other method: "change"


def saved_id(serializer_class: type, body: Any) -> int | None:
    """The id a `Reads.ENTITY` body names, read by the serializer's `id` field; None (an add) when absent or 0.

    The route hands it to its handler and `RoutePermission` decides add or change for "save"
    with it, so the two cannot disagree: `{"id": "0"}` is 0 to the serializer, an add, though
    the raw body's "0" is truthy. An id the field refuses raises its ValidationError.
    """
    field = _id_field(serializer_class)
    if not isinstance(body, Mapping) or "id" not in body or field is None or field.read_only:
        return None  # no id the serializer would take: the handler gets None
    return field.run_validation(body["id"]) or None


@functools.cache
def _id_field(serializer_class: type) -> Any:
    # made once per class: building a serializer's fields introspects its model, a cost per request
    return serializer_class().fields.get("id")


class Returns(Enum):
    """What a handler's result is, and so which status codes and body the route answers."""

    ENTITY = "entity"  # one entity: 200 (a NotFound raised on the way: 404)
    ENTITY_OR_NONE = "entity or none"  # one entity: 200, or None: 204 No Content (ASP.NET's `Ok(null)`)
    LIST = "list"  # entities: 200
    MESSAGE = "message"  # an ApiMessage carrying an entity: 200 envelope; error 400, no data 404 (a command)
    REMOVED = "removed"  # an ApiMessage carrying the removed id: as MESSAGE (a command)
    VALIDATION = "validation"  # a ValidationMessage: 200 envelope when valid, else 400 with the text
    TEXT = "text"  # a string: 200 with it as a JSON string


@dataclass(frozen=True)
class Route:
    """One wire route: method, path(s), what it reads, what it returns. Decorates its handler(s)."""

    method: str
    paths: tuple[str, ...]
    reads: Reads = Reads.NOTHING
    returns: Returns = Returns.ENTITY
    serializer: type | None = None  # of the entity it answers, when not the view's (e.g. a related entity's)
    permission: str | None = None  # a PERMISSION_KINDS kind or "<app>.<codename>"; None: by method (GET: view)
    refused_when: str = ""  # when a request the schema allows is still a 400 because of what is stored

    def __post_init__(self) -> None:
        if self.permission is not None and self.permission not in PERMISSION_KINDS and "." not in self.permission:
            raise ValueError(
                f"Unknown permission {self.permission!r}: use one of {PERMISSION_KINDS} or '<app_label>.<codename>'"
            )

    @property
    def is_command(self) -> bool:
        """Whether the route runs a command (it answers an ApiMessage of a write): it takes an `Idempotency-Key`."""
        return self.returns in (Returns.MESSAGE, Returns.REMOVED)

    @property
    def required(self) -> str:
        """The declared permission, or the default of the method: view for GET, delete for DELETE, else change."""
        return self.permission or _DEFAULT_KIND.get(self.method, "change")

    def requiring(self, permission: str) -> Route:
        """This route with another `permission`, e.g. a contract's route served by a proxy under its own rule."""
        return dataclasses.replace(self, permission=permission)

    def __call__(self, handler: Callable[..., Any]) -> Callable[..., Response]:
        """Decorate `handler(view, request, **arguments)`: read the request, call it, answer its result."""

        @functools.wraps(handler)
        def endpoint(view, request, **path_arguments: str) -> Response:
            if not self.paths:  # a resource route's `.json` suffix: DRF's content negotiation has read it
                path_arguments.pop(api_settings.FORMAT_SUFFIX_KWARG, None)

            def answer() -> Response:
                arguments = {name: self.convert(name, value) for name, value in path_arguments.items()}
                arguments.update(self.read(view, request))
                return self.respond(view, handler(view, request, **arguments))

            if self.is_command:  # a retry with its Idempotency-Key gets the first answer
                from .idempotency import answer_once

                return answer_once(view, request, answer)
            return answer()

        endpoint.route = self
        return endpoint

    # -- the request ----------------------------------------------------------------------------

    def convert(self, name: str, value: str) -> Any:
        """A path argument with its converter applied (`<int:id>` -> int); others (a router's `pk`) as they are."""
        for path in self.paths:
            for match in _PARAMETER.finditer(path):
                if match["name"] == name and match["converter"] == "int":
                    return int(value)
        return value

    def read(self, view, request) -> dict[str, Any]:
        """The keyword arguments the body gives the handler (see `Reads`)."""
        if self.reads is Reads.ID:
            from ..serializers import IdSerializer

            serializer = IdSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            return {"id": serializer.validated_data["id"]}
        if self.reads is Reads.ENTITY:
            serializer = view.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            view.request_serializer = serializer  # it answers with the saved entity too (see `serialize`)
            data = dict(serializer.validated_data)
            data.pop("id", None)
            return {"id": saved_id(type(serializer), request.data), "data": data}
        return {}

    # -- the answer -----------------------------------------------------------------------------

    def respond(self, view, result: Any) -> Response:
        """The wire's answer to `result` (see `Returns`)."""
        kind = self.returns
        if kind is Returns.LIST:
            return Response(self.serialize(view, result, many=True))
        if kind is Returns.ENTITY_OR_NONE and result is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        if kind in (Returns.ENTITY, Returns.ENTITY_OR_NONE):
            return Response(self.serialize(view, result))
        if kind is Returns.VALIDATION:
            return validation_response(result)
        if kind is Returns.MESSAGE:
            return api_response(result, lambda entity: self.serialize(view, entity))
        if kind is Returns.REMOVED:
            return api_response(result)
        return Response(result)

    def serialize(self, view, data: Any, many: bool = False) -> Any:
        """`data` through the route's serializer, or the view's."""
        if self.serializer is not None:
            return self.serializer(data, many=many, context=view.get_serializer_context()).data
        read_with = getattr(view, "request_serializer", None)
        if read_with is not None and not many:
            # the view's serializer that read the request: another one would cost a save its fields again
            return read_with.to_representation(data)
        return view.get_serializer(data, many=many).data

    # -- URLs -----------------------------------------------------------------------------------

    def parameters(self) -> dict[str, str]:
        """The path parameters of the route and their converters (`{"id": "int"}`)."""
        return {m["name"]: m["converter"] for path in self.paths for m in _PARAMETER.finditer(path)}

    def regexes(self) -> Iterator[str]:
        """Each path as a regex with named groups (`getFromId/<int:id>` -> `getFromId/(?P<id>[0-9]{1,18})`)."""
        for path in self.paths:
            yield _PARAMETER.sub(lambda m: f"(?P<{m['name']}>{CONVERTERS[m['converter']]})", path)

    def url(self, **arguments: Any) -> str:
        """The first path with `arguments` filled in, e.g. for a gateway client: `getByOwner/3/Invoice`."""
        return _PARAMETER.sub(lambda m: str(arguments[m["name"]]), self.paths[0])


class _RouteFactory:
    """`route.get(...)`, `route.post(...)`, `route.put(...)`, `route.delete(...)`: a Route of that method.

    `route.resource(reads=..., returns=...)` declares a handler of DRF's resource routes (`list`,
    `create`, `retrieve`, `update`, `destroy`): the router gives its path and method.
    """

    def resource(
        self,
        *,
        reads: Reads = Reads.NOTHING,
        returns: Returns = Returns.ENTITY,
        permission: str = "view",
        refused_when: str = "",
    ) -> Route:
        """A Route without paths, for a handler the DRF router serves."""
        return Route("", (), reads, returns, permission=permission, refused_when=refused_when)

    def __getattr__(self, method: str) -> Callable[..., Route]:
        if method not in ("get", "post", "put", "delete"):
            raise AttributeError(method)

        def make(
            *paths: str,
            reads: Reads = Reads.NOTHING,
            returns: Returns = Returns.ENTITY,
            serializer: type | None = None,
            permission: str | None = None,
            refused_when: str = "",
        ) -> Route:
            for path in paths:
                for match in _PARAMETER.finditer(path):
                    if match["converter"] not in CONVERTERS:
                        raise ValueError(
                            f"Unknown converter {match['converter']!r} in {path!r}: use {list(CONVERTERS)}"
                        )
            return Route(method.upper(), paths, reads, returns, serializer, permission, refused_when)

        return make


route = _RouteFactory()


def routes_of(view_class: type) -> list[tuple[str, Route]]:
    """(action name, Route) of every handler `view_class` declares or inherits, in name order."""
    found = []
    for name in dir(view_class):
        declared = getattr(getattr(view_class, name, None), "route", None)
        if isinstance(declared, Route):
            found.append((name, declared))
    return found


def case_insensitive(pattern: str) -> str:
    """Make the letters of `pattern` outside groups and classes match in any case: `get` -> `[gG][eE][tT]`.

    Unlike a `(?i)` flag this stays reversible by Django's URL resolver (it takes the first
    character of a class, the original spelling), and the schema hook turns it back into the
    documented path.
    """
    out, depth = [], 0
    for char in pattern:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if depth == 0 and char.isalpha():
            out.append(f"[{char}{char.swapcase()}]")
        else:
            out.append(char)
    return "".join(out)
