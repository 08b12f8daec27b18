"""The wire's JSON conventions: camelCase keys, nulls omitted, a bounded body size.

The renderer turns `date_created` into `dateCreated` and drops `None` values; the parser does
the reverse and refuses a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (DRF reads the request
stream directly, so Django's own limit would never fire for JSON).
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

__all__ = ["CamelCaseJSONParser", "CamelCaseJSONRenderer", "to_camel", "to_snake", "to_wire"]

_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")


def to_camel(name: str) -> str:
    """The camelCase form of a snake_case name (`date_created` -> `dateCreated`)."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_snake(name: str) -> str:
    """The snake_case form of a camelCase name (`dateCreated` -> `date_created`)."""
    return _UPPER.sub(r"_\1", name).lower()


def to_wire(data: Any) -> Any:
    """Camel-case every key and omit every null, recursively."""
    if isinstance(data, dict):
        return {to_camel(str(k)): to_wire(v) for k, v in data.items() if v is not None}
    if isinstance(data, list | tuple):
        return [to_wire(item) for item in data]
    return data


def from_wire(data: Any) -> Any:
    """Snake-case every key, recursively (what the parser does to a body; nulls are kept)."""
    if isinstance(data, dict):
        return {to_snake(str(k)): from_wire(v) for k, v in data.items()}
    if isinstance(data, list):
        return [from_wire(item) for item in data]
    return data


class RequestTooLarge(APIException):
    """413: the request body is over `DATA_UPLOAD_MAX_MEMORY_SIZE`."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class CamelCaseJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, writing the wire's shape: camelCase keys, nulls omitted."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        """Render `to_wire(data)` instead of `data`."""
        return super().render(to_wire(data), accepted_media_type, renderer_context)


class CamelCaseJSONParser(JSONParser):
    """DRF's JSON parser, reading camelCase keys as snake_case from a body of bounded size."""

    def parse(self, stream, media_type=None, parser_context=None):
        """Refuse a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (413), then parse it and snake-case its keys."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge(f"Request body too large: the limit is {limit} bytes")
            stream = io.BytesIO(body)
        return from_wire(super().parse(stream, media_type, parser_context))
