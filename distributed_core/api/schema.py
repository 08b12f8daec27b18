"""The OpenAPI schema, made to describe exactly what the wire carries (drf-spectacular).

- `WireAutoSchema` reads the `Route` declaration of the action it documents (as DRF's routers
  read it for URLs) and gives its request, responses, path parameters and status codes, when the
  schema is generated (never at import); it also documents the JSON body of a DELETE (the wire's
  `remove` has one), no credential (`{}`) where an open node lets anonymous callers through, the
  `Idempotency-Key` header of command routes with their 409 and 422, and on every operation the
  503 of an outage of a backing service (`outages`);
- `ClosedRequestSchema` says that an entity's request body takes no other property (its
  serializer refuses unknown fields: `UnknownFieldsRefused`) and lists the ones it ignores;
- the hooks print case-insensitive routes by their canonical spelling and camel-case properties.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from ..messages import STATUS_DESCRIPTIONS
from ..serializers import IdSerializer
from ..wire import to_camel
from .idempotency import IDEMPOTENCY_KEY_HEADER, KEY_PATTERN, MAX_KEY_LENGTH
from .routes import CONVERTERS, Reads, Returns, Route

__all__ = [
    "STATUS_DESCRIPTIONS",
    "ClosedRequestSchema",
    "WireAutoSchema",
    "camel_case_properties",
    "case_insensitive_paths",
    "omitted_nulls",
]

IDEMPOTENCY_KEY_DESCRIPTION = (
    "1 to 255 visible ASCII characters, new for each new request (a uuid4): the same request sent again with "
    "it by the same caller within DD_IDEMPOTENCY_TTL (24 h) gets the first answer (with Idempotent-Replayed: "
    "true), and the command does not act again"
)

DETAIL_ACTIONS = ("retrieve", "update", "partial_update", "destroy")  # DRF resource routes on `<id>/`


class WireAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting each route from its declaration, DELETE bodies and open routes.

    The request, responses, path parameters and extensions of a route's operation come from its
    `Route` (what it reads and answers) and its viewset (`serializer_class`, `schema_name`,
    `refused_when`, `calls_remote`): entity shapes from the serializer, the envelopes (ApiMessage,
    ValidationMessage, the message string of a 400/401/403/404) from the wire contract. A view
    without a serializer, or an action without a declaration, is documented as drf-spectacular would.
    """

    def declared_route(self) -> Route | None:
        """The `Route` of the action documented, or None (no declaration, or a viewset without a serializer)."""
        action = getattr(self.view, "action", None)
        if action is None or getattr(self.view, "serializer_class", None) is None:
            return None
        declared = getattr(getattr(self.view, action, None), "route", None)
        return declared if isinstance(declared, Route) else None

    def get_request_serializer(self) -> Any:
        """What the route reads: nothing, an `{"id": ...}` body, or the entity."""
        declared = self.declared_route()
        if declared is None:
            return super().get_request_serializer()
        return {Reads.NOTHING: None, Reads.ID: IdSerializer, Reads.ENTITY: self.entity(declared)}[declared.reads]

    def get_response_serializers(self) -> Any:
        """The answers of the route by status code: its result's, then the refusals any such route may answer."""
        declared = self.declared_route()
        if declared is None:
            return super().get_response_serializers()
        answers = _answers(declared.returns, self.entity(declared), self.component_name(declared))
        if declared.parameters():  # a path parameter out of its pattern matches no route ("No route for ...")
            answers.setdefault(404, _message())
        reads_body = declared.reads is not Reads.NOTHING
        if reads_body:
            answers.setdefault(400, _message())  # bad input
        # an id (path or body) that names no stored entity; a resource `create` ignores the body's id
        if declared.parameters() or self.view.action in DETAIL_ACTIONS or (declared.paths and reads_body):
            answers.setdefault(404, _message())
        # who may call it (permissions.RoutePermission, or a gateway's credential): nobody identified, not allowed
        answers.setdefault(401, OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[401]))
        answers.setdefault(403, OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[403]))
        refused_when = self.refused_when(declared)
        if refused_when:  # schema-valid requests may still be refused: say when
            answers[400] = OpenApiResponse(OpenApiTypes.STR, description=f"The message text; also {refused_when}")
        if declared.is_command:  # what an Idempotency-Key may answer instead of the command
            answers[409] = OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[409])
            answers[422] = OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[422])
        remote = getattr(self.view, "calls_remote", {})
        remote = remote.get(self.view.action) or remote.get("*")
        if remote:  # the remote node's outage (a message string), beside this node's own (ServiceUnavailable)
            either = {"oneOf": [{"type": "string"}, self.resolve_serializer(_outage(), "response").ref]}
            outage = STATUS_DESCRIPTIONS[503]
            described = (
                f"The {remote} node cannot be reached (the message text, as a JSON string), or {outage[0].lower()}"
            )
            answers[503] = OpenApiResponse(either, description=described + outage[1:])
        return answers

    def _get_response_bodies(self, direction="response"):
        # every operation may meet an outage of a backing service (outages.py): its 503, unless declared already
        responses = super()._get_response_bodies(direction)
        if "503" not in responses:
            outage = OpenApiResponse(_outage(), description=STATUS_DESCRIPTIONS[503])
            responses["503"] = self._get_response_for_code(outage, "503", direction=direction)
        return responses

    def get_override_parameters(self) -> list:
        """The route's path parameters, with the schema of what their converter matches; a command's Idempotency-Key."""
        parameters = super().get_override_parameters()
        declared = self.declared_route()
        if declared is None:
            return parameters
        parameters = [
            *parameters,
            *(
                OpenApiParameter(name, _parameter_schema(converter), OpenApiParameter.PATH)
                for name, converter in declared.parameters().items()
            ),
        ]
        if declared.is_command:
            key = {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": f"^{KEY_PATTERN}$"}
            header = OpenApiParameter.HEADER
            parameters.append(
                OpenApiParameter(IDEMPOTENCY_KEY_HEADER, key, header, description=IDEMPOTENCY_KEY_DESCRIPTION)
            )
        return parameters

    def get_extensions(self) -> dict:
        """`x-refused-by-state`: when a request the schema allows is still refused (tools may expect the 400)."""
        declared = self.declared_route()
        refused_when = self.refused_when(declared) if declared is not None else ""
        return {"x-refused-by-state": refused_when} if refused_when else super().get_extensions()

    def entity(self, declared: Route) -> type:
        """The serializer of the entity the route answers: its own, else the view's."""
        return declared.serializer or self.view.serializer_class

    def component_name(self, declared: Route) -> str:
        """What the route's envelope components start with: the viewset's `schema_name`, else the model's name."""
        schema_name = None if declared.serializer else getattr(self.view, "schema_name", None)
        return schema_name or _model_name(self.entity(declared))

    def refused_when(self, declared: Route) -> str:
        """When a request the schema allows is still a 400: the route's word, else its viewset's for the action."""
        return declared.refused_when or getattr(self.view, "refused_when", {}).get(self.view.action, "")

    def get_auth(self):
        """The usual requirements, plus none (`{}`) where RoutePermission lets anonymous callers through.

        Only the routes RoutePermission guards are open on an open node: a gateway route is open only
        with its gateway (its scheme, `ServiceCredentialScheme`, says so), and a route that declares
        its own `auth` (revoking a token needs that token) keeps it.
        """
        from ..conf import dd_settings
        from .permissions import RoutePermission

        auths = super().get_auth()
        guarded = any(isinstance(permission, RoutePermission) for permission in self.view.get_permissions())
        if auths and {} not in auths and guarded and dd_settings.allow_anonymous:
            auths.append({})
        return auths

    def _get_request_body(self, direction="request"):
        # drf-spectacular documents bodies of POST, PUT and PATCH only; `remove` is a DELETE with a
        # JSON body (as the original's clients send it), so document it as for a POST.
        if self.method != "DELETE" or self.get_request_serializer() is None:
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


# -- the shapes of the wire's answers --------------------------------------------------------------

_components: dict[str, type] = {}  # one serializer class per component name, shared by every view


def _component(name: str, fields_factory) -> serializers.Serializer:
    if name not in _components:
        _components[name] = type(inline_serializer(name, fields_factory()))
    return _components[name]()


def _outage() -> serializers.Serializer:
    """The body of an outage's 503 (`outages.outage_body`)."""
    return _component(
        "ServiceUnavailable",
        lambda: {
            "type": serializers.CharField(help_text="ServiceUnavailable"),
            "message": serializers.CharField(),
            "service": serializers.CharField(help_text="which service: database, channel layer, cache, Redis"),
            "path": serializers.CharField(),
            "id": serializers.CharField(help_text="the id of the log line with the error"),
        },
    )


def _message() -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[404])


def _envelope(name: str, data_field) -> serializers.Serializer:
    """An ApiMessage component: `data` (made by `data_field()`), `message`, `error`, `hasData`."""
    return _component(
        name,
        lambda: {
            "data": data_field(),
            "message": serializers.CharField(),
            "error": serializers.BooleanField(),
            "has_data": serializers.BooleanField(),
        },
    )


def _answers(kind: Returns, entity: type, name: str) -> dict[int, Any]:
    """The answers a handler's result makes (see `Returns`), by status code."""
    if kind is Returns.ENTITY:
        return {200: entity, 404: _message()}
    if kind is Returns.ENTITY_OR_NONE:
        return {200: entity, 204: OpenApiResponse(description="There is none")}
    if kind is Returns.LIST:
        return {200: entity(many=True)}
    if kind is Returns.MESSAGE:
        return {200: _envelope(f"{name}ApiMessage", entity), 400: _message()}
    if kind is Returns.REMOVED:
        removed = _envelope(f"{name}RemovedApiMessage", lambda: serializers.IntegerField(help_text="the removed id"))
        return {200: removed, 400: _message()}
    if kind is Returns.VALIDATION:
        validation = _component(
            "ValidationMessage",
            lambda: {
                "messages": serializers.ListField(child=serializers.CharField()),
                "message": serializers.CharField(),
                "is_valid": serializers.BooleanField(),
            },
        )
        return {200: validation, 400: _message()}
    return {200: OpenApiTypes.STR}


def _model_name(serializer: type) -> str:
    """The name components of `serializer` start with: its model's, else its own without `Serializer`."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    return model.__name__ if model is not None else serializer.__name__.removesuffix("Serializer")


def _parameter_schema(converter: str) -> dict:
    """The OpenAPI schema of a path parameter: what its converter matches."""
    if converter == "int":
        return {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}
    return {"type": "string", "pattern": f"^{CONVERTERS[converter]}$"}


class ClosedRequestSchema(OpenApiSerializerExtension):
    """A request body of an `UnknownFieldsRefused` serializer allows no other property: they are refused.

    The fields a request may carry but the node never reads are listed all the same, since the
    original's clients send whole entities back: read-only fields (any value: the serializer never
    looks at them), and the fields the Command's WritePolicy ignores (type-checked, then dropped).
    """

    target_class = "distributed_core.serializers.UnknownFieldsRefused"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        """The usual mapping; in requests, closed to additional properties and with the ignored fields."""
        from drf_spectacular.plumbing import force_instance

        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
            properties = schema.setdefault("properties", {})
            for name, field in force_instance(self.target).fields.items():
                if field.read_only:
                    properties[name] = {"description": "Read-only: accepted with any value, and ignored"}
            command = getattr(auto_schema.view, "command_class", None)
            for name in getattr(getattr(command, "policy", None), "ignored", ()):
                if name in properties and "description" not in properties[name]:
                    properties[name]["description"] = "Written by the node itself: type-checked, then ignored"
        return schema


def case_insensitive_paths(endpoints, **kwargs):
    """Document case-insensitive routes by their canonical spelling."""
    return [(_clean(path), regex, method, callback) for path, regex, method, callback in endpoints]


_CHAR_CLASS = re.compile(r"\[(\w)\w\]")


def _clean(path: str) -> str:
    """`/[aA][pP][iI]/...` (see routes.case_insensitive) -> `/api/...`, without the optional slash."""
    if not _CHAR_CLASS.search(path):
        return path
    path = _CHAR_CLASS.sub(r"\1", path)
    return path.rstrip("/") if len(path) > 1 else path


def camel_case_properties(result, generator, request, public):
    """Rename schema properties to camelCase, as the JSON renderer does on the wire."""
    for schema in result.get("components", {}).get("schemas", {}).values():
        _camelize(schema)
    return result


def omitted_nulls(result, generator, request, public):
    """In answers a null is omitted, never sent: a nullable property is optional and never null.

    (Request components, `...Request`, keep `nullable`: a client may send a null.)
    """
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            continue
        nullable = {key for key, value in schema.get("properties", {}).items() if value.pop("nullable", False)}
        if "required" in schema:
            schema["required"] = [key for key in schema["required"] if key not in nullable]
            if not schema["required"]:
                del schema["required"]
    return result


def _camelize(schema: dict) -> None:
    if "properties" in schema:
        schema["properties"] = {to_camel(k): v for k, v in schema["properties"].items()}
        for value in schema["properties"].values():
            _camelize(value)
    if "required" in schema:
        schema["required"] = [to_camel(name) for name in schema["required"]]
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _camelize(schema[key])
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, []):
            _camelize(sub)
