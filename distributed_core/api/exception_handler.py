"""One DRF exception handler: every error becomes the wire's JSON shape.

4xx: the message text as a JSON string (what the original's clients show to the person).
5xx from an unexpected error: a JSON object with the type, the message and the path.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from ..exceptions import ApplicationError
from .json import to_camel

__all__ = ["exception_handler", "first_message", "server_error_body"]

logger = logging.getLogger("distributed_core")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's handler: application, DRF and Django errors answer their message as a JSON string; others a logged 500."""
    if isinstance(exc, ApplicationError):
        return Response(exc.message, status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        return Response(first_message(exc.detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        return Response(str(exc.detail), status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        return Response(str(exc) or "Not found", status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(str(exc) or "Permission denied", status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, SuspiciousOperation):
        return Response(str(exc) or "Bad request", status=status.HTTP_400_BAD_REQUEST)
    request = context.get("request")
    path = request.path if request is not None else ""
    logger.exception("Unhandled error on %s", path)
    return Response(server_error_body(exc, path), status=status.HTTP_500_INTERNAL_SERVER_ERROR)


def server_error_body(exc: BaseException, path: str) -> dict[str, str]:
    """The 500 body: the exception's type name, its message (or the type name again) and the path."""
    return {"type": type(exc).__name__, "message": str(exc) or type(exc).__name__, "path": path}


def first_message(detail: Any, field: str | None = None) -> str:
    """Flatten DRF's nested error detail into one readable sentence."""
    if isinstance(detail, dict):
        parts = [first_message(value, key) for key, value in detail.items()]
        return "; ".join(parts)
    if isinstance(detail, list):
        return "; ".join(first_message(item, field) for item in detail)
    text = str(detail)
    if field and field != "non_field_errors":
        return f"{to_camel(field)}: {text}"
    return text
