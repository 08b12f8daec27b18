"""Turn messages into responses with the status codes of the wire contract.

An ApiMessage with `error` -> 400 and the message as a JSON string; one without data -> 404
likewise; otherwise 200 with the envelope. A failed validation -> 400 with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import status
from rest_framework.response import Response

from ..messages import ApiMessage, ValidationMessage

__all__ = ["api_response", "validation_response"]


def api_response(message: ApiMessage, serialize: Callable[[Any], Any] | None = None) -> Response:
    """400 on error, 404 without data (the message as a JSON string), else 200 with the envelope."""
    if message.error:
        return Response(message.message, status=status.HTTP_400_BAD_REQUEST)
    if not message.has_data:
        return Response(message.message, status=status.HTTP_404_NOT_FOUND)
    data = serialize(message.data) if serialize is not None else message.data
    return Response({"data": data, "message": message.message, "error": False, "has_data": True})


def validation_response(message: ValidationMessage) -> Response:
    """400 with the joined messages when a rule is broken, else 200 with the validation envelope."""
    if not message.is_valid:
        return Response(message.message, status=status.HTTP_400_BAD_REQUEST)
    return Response(message.as_wire())
