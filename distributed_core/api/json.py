"""The wire's JSON conventions: camelCase keys, nulls omitted, a bounded body size and depth.

The renderer turns `date_created` into `dateCreated` and drops `None` values; the parser does
the reverse and refuses a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (DRF reads the request
stream directly, so Django's own limit would never fire for JSON) or nested deeper than
`MAX_DEPTH` (a wire body is a flat object; a deep one would only exhaust the recursion of
whatever walks it next).

djangorestframework-camel-case was measured against these (issue 16): it keeps nulls, has no size
or depth limit (a deeply nested body is a 500 there), and rendered and parsed at about a third of
this speed even before the subclasses it would need; see docs/performance.md, "camelCase JSON".
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from ..wire import from_wire, to_wire

__all__ = ["MAX_DEPTH", "CamelCaseJSONParser", "CamelCaseJSONRenderer", "RequestTooLarge", "nesting_depth"]

MAX_DEPTH = 32  # levels of arrays and objects a request body may nest


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
        """Refuse a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` (413) or `MAX_DEPTH` (400); snake-case its keys."""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge(f"Request body too large: the limit is {limit} bytes")
            stream = io.BytesIO(body)
        too_deep = f"JSON parse error - nested deeper than {MAX_DEPTH} levels"
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # the decoder gave up long before MAX_DEPTH could be checked
            raise ParseError(too_deep) from None
        if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(too_deep)
        return from_wire(data)


def nesting_depth(data: object, stop_above: int | None = None) -> int:
    """How many levels of lists and dicts `data` nests (0 for a scalar), counted without recursion.

    Counting stops as soon as it passes `stop_above`, so a hostile body costs no more than that.
    """
    deepest = 0
    pending = [(data, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if stop_above is not None and deepest > stop_above:
            break
        pending.extend((child, level + 1) for child in children)
    return deepest
