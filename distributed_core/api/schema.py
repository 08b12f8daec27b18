"""The OpenAPI schema, made to describe exactly what the wire carries (drf-spectacular).

- `document_routes()` turns each route declaration into its request, responses, path
  parameters and status codes;
- `WireAutoSchema` documents the JSON body of a DELETE (the wire's `remove` has one), and
  no credential (`{}`) where an open node lets anonymous callers through;
- `ClosedRequestSchema` says that an entity's request body takes no other property (its
  serializer refuses unknown fields: `UnknownFieldsRefused`) and lists the ones it ignores;
- the hooks print case-insensitive routes by their canonical spelling and camel-case properties.
"""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema

from ..wire import to_camel

__all__ = [
    "STATUS_DESCRIPTIONS",
    "ClosedRequestSchema",
    "WireAutoSchema",
    "camel_case_properties",
    "case_insensitive_paths",
    "omitted_nulls",
]

# What an answer of each status carries, written once: every operation's schema and the status table
# of docs/wire-contract.md use these words (tests/test_wire_contract_doc.py compares them).
STATUS_DESCRIPTIONS = {
    400: "The message text, as a JSON string",
    401: "Nobody identified: no signed-in user, API token or service credential",
    403: "Not allowed: the caller lacks the route's permission, or its service credential is not valid",
    404: "The message text, as a JSON string",
}


class WireAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, documenting request bodies of DELETE routes and open routes too."""

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


# -- request and response shapes, from the route declarations --------------------------------

DETAIL_ACTIONS = ("retrieve", "update", "partial_update", "destroy")  # DRF resource routes on `<id>/`
_components: dict[str, object] = {}  # one serializer class per component name, shared by every view


def _component(name: str, fields_factory):
    from drf_spectacular.utils import inline_serializer

    if name not in _components:
        _components[name] = type(inline_serializer(name, fields_factory()))
    return _components[name]()


def document_routes(viewset: type) -> type:
    """Describe each route of `viewset` in OpenAPI from its declaration: what it reads and answers.

    Called for every WireViewSet subclass with a serializer: entity shapes come from it, the
    envelopes (ApiMessage, ValidationMessage, the message string of a 400/401/403/404) from the
    wire contract. The component names start with the serializer's model name (or `schema_name`).
    """
    from drf_spectacular.drainage import isolate_view_method
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
    from rest_framework import serializers

    from ..serializers import IdSerializer
    from .routes import CONVERTERS, Reads, Returns, routes_of

    message = OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[404])
    refused_401 = OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[401])
    refused_403 = OpenApiResponse(OpenApiTypes.STR, description=STATUS_DESCRIPTIONS[403])
    validation = _component(
        "ValidationMessage",
        lambda: {
            "messages": serializers.ListField(child=serializers.CharField()),
            "message": serializers.CharField(),
            "is_valid": serializers.BooleanField(),
        },
    )

    def envelope(name: str, data_field):
        return _component(
            name,
            lambda: {
                "data": data_field(),
                "message": serializers.CharField(),
                "error": serializers.BooleanField(),
                "has_data": serializers.BooleanField(),
            },
        )

    def responses(kind: Returns, entity: type, name: str) -> dict:
        if kind is Returns.ENTITY:
            return {200: entity, 404: message}
        if kind is Returns.ENTITY_OR_NONE:
            return {200: entity, 204: OpenApiResponse(description="There is none")}
        if kind is Returns.LIST:
            return {200: entity(many=True)}
        if kind is Returns.MESSAGE:
            return {200: envelope(f"{name}ApiMessage", entity), 400: message}
        if kind is Returns.REMOVED:
            removed = envelope(f"{name}RemovedApiMessage", lambda: serializers.IntegerField(help_text="the removed id"))
            return {200: removed, 400: message}
        if kind is Returns.VALIDATION:
            return {200: validation, 400: message}
        return {200: OpenApiTypes.STR}

    for action, declared in routes_of(viewset):
        entity = declared.serializer or viewset.serializer_class
        name = (None if declared.serializer else getattr(viewset, "schema_name", None)) or _model_name(entity)
        answers = responses(declared.returns, entity, name)
        if declared.parameters():  # a path parameter out of its pattern matches no route ("No route for ...")
            answers.setdefault(404, message)
        request = {Reads.NOTHING: None, Reads.ID: IdSerializer, Reads.ENTITY: entity}[declared.reads]
        if request is not None:
            answers.setdefault(400, message)  # bad input
        # an id (path or body) that names no stored entity; a resource `create` ignores the body's id
        if declared.parameters() or action in DETAIL_ACTIONS or (declared.paths and request is not None):
            answers.setdefault(404, message)
        # who may call it (permissions.RoutePermission, or a gateway's credential): nobody identified, not allowed
        answers.setdefault(401, refused_401)
        answers.setdefault(403, refused_403)
        refused_when = declared.refused_when or getattr(viewset, "refused_when", {}).get(action, "")
        extensions = {}
        if refused_when:  # schema-valid requests may still be refused: say when (and tools may expect it)
            answers[400] = OpenApiResponse(OpenApiTypes.STR, description=f"The message text; also {refused_when}")
            extensions["x-refused-by-state"] = refused_when
        remote = getattr(viewset, "calls_remote", {})
        remote = remote.get(action) or remote.get("*")
        if remote:
            answers[503] = OpenApiResponse(OpenApiTypes.STR, description=f"The {remote} node cannot be reached")
        parameters = [
            OpenApiParameter(name, _parameter_schema(converter, CONVERTERS[converter]), OpenApiParameter.PATH)
            for name, converter in declared.parameters().items()
        ]
        # extend_schema_view() only knows DRF's own action names; isolate_view_method() is what it
        # uses to annotate a method without leaking into the parent class that defines it.
        schema = extend_schema(request=request, responses=answers, parameters=parameters, extensions=extensions)
        schema(isolate_view_method(viewset, action))
    return viewset


def _model_name(serializer: type) -> str:
    """The name components of `serializer` start with: its model's, else its own without `Serializer`."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    return model.__name__ if model is not None else serializer.__name__.removesuffix("Serializer")


def _parameter_schema(converter: str, regex: str) -> dict:
    """The OpenAPI schema of a path parameter: what its converter matches."""
    if converter == "int":
        return {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}
    return {"type": "string", "pattern": f"^{regex}$"}
