"""drf-spectacular hooks so the OpenAPI schema describes what the wire really carries."""

from __future__ import annotations

import re

from .json import to_camel

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


# -- request and response shapes of the wire actions -------------------------------------------

LIST_ACTIONS = {"get_all", "get_active", "get_completed", "get_by_type", "get_by_entity"}
LIST_ACTIONS |= {"get_packages_by_type", "get_packages_by_entity"}
ONE_ACTIONS = {"get_from_id", "get_active_package"}
ID_ACTIONS = {"approve", "reject", "return_"}
SAVE_ACTIONS = {"save_entity", "submit", "submit_package"}
REMOVE_ACTIONS = {"remove_entity", "withdraw", "withdraw_package"}
VALIDATE_ACTIONS = {"validate_entity", "validate_package"}
_components: dict[str, object] = {}  # one serializer class per component name, shared by every view


def _component(name: str, fields_factory):
    from drf_spectacular.utils import inline_serializer

    if name not in _components:
        _components[name] = type(inline_serializer(name, fields_factory()))
    return _components[name]()


def document_entity_viewset(viewset: type) -> type:
    """Describe each wire action of `viewset` with its real request and response shapes.

    Called for every EntityViewSet subclass: the shapes depend on its serializer, and the
    envelopes (ApiMessage, ValidationMessage, the 400 message string) on the wire contract.
    """
    from drf_spectacular.drainage import isolate_view_method
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse, extend_schema
    from rest_framework import serializers

    from .serializers import IdSerializer

    entity = viewset.serializer_class
    name = getattr(viewset, "schema_name", None) or entity.Meta.model.__name__
    message = OpenApiResponse(OpenApiTypes.STR, description="The message text, as a JSON string")

    def envelope(suffix: str, data_field):
        return _component(
            f"{name}{suffix}",
            lambda: {
                "data": data_field(),
                "message": serializers.CharField(),
                "error": serializers.BooleanField(),
                "has_data": serializers.BooleanField(),
            },
        )

    validation = _component(
        "ValidationMessage",
        lambda: {
            "messages": serializers.ListField(child=serializers.CharField()),
            "message": serializers.CharField(),
            "is_valid": serializers.BooleanField(),
        },
    )
    saved = envelope("ApiMessage", entity)
    removed = envelope("RemovedApiMessage", lambda: serializers.IntegerField(help_text="the removed id"))
    schemas = {}
    for action in dir(viewset):
        if action in LIST_ACTIONS:
            schemas[action] = extend_schema(responses={200: entity(many=True)})
        elif action in ONE_ACTIONS:
            schemas[action] = extend_schema(responses={200: entity, 404: message})
        elif action in ID_ACTIONS:
            schemas[action] = extend_schema(request=IdSerializer, responses={200: saved, 400: message, 404: message})
        elif action in SAVE_ACTIONS:
            schemas[action] = extend_schema(request=entity, responses={200: saved, 400: message, 404: message})
        elif action in REMOVE_ACTIONS:
            schemas[action] = extend_schema(request=IdSerializer, responses={200: removed, 400: message, 404: message})
        elif action in VALIDATE_ACTIONS:
            schemas[action] = extend_schema(request=entity, responses={200: validation, 400: message})
    # extend_schema_view() only knows DRF's own action names; isolate_view_method() is what it uses
    # to annotate a method without leaking into the parent class that defines it.
    for action, decorate in schemas.items():
        decorate(isolate_view_method(viewset, action))
    return viewset
