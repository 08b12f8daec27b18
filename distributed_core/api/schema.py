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
