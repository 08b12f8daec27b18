"""The wire's JSON conventions: camelCase keys, nulls omitted, a bounded body size.

The renderer turns `date_created` into `dateCreated` and drops `None` values; the parser does
the reverse and refuses a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (DRF reads the request
stream directly, so Django's own limit would never fire for JSON).
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from ..wire import from_wire, to_wire

__all__ = ["CamelCaseJSONParser", "CamelCaseJSONRenderer", "RequestTooLarge"]


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
