"""drf-spectacular hooks so the OpenAPI schema describes what the wire really carries."""

from __future__ import annotations

import re

from ..wire import to_camel

__all__ = ["camel_case_properties", "case_insensitive_paths"]


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
    from drf_spectacular.utils import OpenApiResponse, extend_schema
    from rest_framework import serializers

    from .routes import Reads, Returns, routes_of
    from .serializers import IdSerializer

    message = OpenApiResponse(OpenApiTypes.STR, description="The message text, as a JSON string")
    refused_401 = OpenApiResponse(OpenApiTypes.STR, description="Nobody identified: no user, no service credential")
    refused_403 = OpenApiResponse(OpenApiTypes.STR, description="The caller may not: it lacks the route's permission")
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
            return {200: envelope(f"{name}ApiMessage", entity), 400: message, 404: message}
        if kind is Returns.REMOVED:
            removed = envelope(f"{name}RemovedApiMessage", lambda: serializers.IntegerField(help_text="the removed id"))
            return {200: removed, 400: message, 404: message}
        if kind is Returns.VALIDATION:
            return {200: validation, 400: message}
        return {200: OpenApiTypes.STR}

    for action, declared in routes_of(viewset):
        entity = declared.serializer or viewset.serializer_class
        name = (None if declared.serializer else getattr(viewset, "schema_name", None)) or _model_name(entity)
        answers = responses(declared.returns, entity, name)
        request = {Reads.NOTHING: None, Reads.ID: IdSerializer, Reads.ENTITY: entity}[declared.reads]
        if request is not None:
            answers.setdefault(400, message)
        # who may call it (permissions.RoutePermission, or a gateway's credential): nobody identified, not allowed
        answers.setdefault(401, refused_401)
        answers.setdefault(403, refused_403)
        # extend_schema_view() only knows DRF's own action names; isolate_view_method() is what it
        # uses to annotate a method without leaking into the parent class that defines it.
        extend_schema(request=request, responses=answers)(isolate_view_method(viewset, action))
    return viewset


def _model_name(serializer: type) -> str:
    """The name components of `serializer` start with: its model's, else its own without `Serializer`."""
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    return model.__name__ if model is not None else serializer.__name__.removesuffix("Serializer")
