"""One DRF exception handler: every error becomes the wire's JSON shape.

4xx: the message text as a JSON string (what the original's clients show to the person).
5xx from an unexpected error: a JSON object with a generic message, the path and an id that
the log line with the traceback carries too (the exception's text only with DEBUG on); a 503
with `Retry-After` when the error is an outage of a backing service (`outages`).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from ..exceptions import ApplicationError
from ..wire import to_camel
from .outages import RETRY_AFTER, SERVICE_UNAVAILABLE, outage_body, unavailable_service

__all__ = ["error_body", "error_status", "exception_handler", "first_message", "server_error_body"]

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
        if getattr(exc, "auth_header", None):  # a 401 names how to authenticate (Token, or a gateway's Bearer)
            headers["WWW-Authenticate"] = exc.auth_header
        return Response(str(exc.detail), status=exc.status_code, headers=headers)
    if isinstance(exc, Http404):
        return Response(str(exc) or "Not found", status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(str(exc) or "Permission denied", status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return Response(f"Request body too large: the limit is {limit} bytes", status=413)
    if isinstance(exc, SuspiciousOperation):
        return Response(str(exc) or "Bad request", status=status.HTTP_400_BAD_REQUEST)
    request = context.get("request")
    body = error_body(exc, request.path if request is not None else "")
    code, headers = error_status(body)
    return Response(body, status=code, headers=headers)


def error_body(exc: BaseException, path: str) -> dict[str, str]:
    """The logged body of an unexpected error's answer: an outage's (`ServiceUnavailable`), else a `ServerError`."""
    service = unavailable_service(exc)
    return outage_body(service, exc, path) if service else server_error_body(exc, path)


def error_status(body: dict[str, str]) -> tuple[int, dict[str, str]]:
    """The status and headers that go with `error_body()`: 503 with `Retry-After` for an outage, else 500."""
    if body.get("type") == SERVICE_UNAVAILABLE:
        return status.HTTP_503_SERVICE_UNAVAILABLE, {"Retry-After": str(RETRY_AFTER)}
    return status.HTTP_500_INTERNAL_SERVER_ERROR, {}


def server_error_body(exc: BaseException, path: str) -> dict[str, str]:
    """Log an unexpected error with its traceback and an id; the 500 body names the id, never the error.

    `{"type": "ServerError", "message": "Internal server error", "path": ..., "id": ...}`; with
    DEBUG on, `detail` adds the exception's type and text for the developer.
    """
    error_id = uuid.uuid4().hex[:12]
    logger.error("Unhandled error %s on %s", error_id, path, exc_info=(type(exc), exc, exc.__traceback__))
    body = {"type": "ServerError", "message": "Internal server error", "path": path, "id": error_id}
    if settings.DEBUG:
        body["detail"] = f"{type(exc).__name__}: {exc}"
    return body


def first_message(detail: Any, field: str | None = None) -> str:
    """Flatten DRF's nested error detail into one readable sentence."""
    if isinstance(detail, dict):
        parts = [first_message(value, key) for key, value in detail.items()]
        return "; ".join(parts)
    if isinstance(detail, list):
        return "; ".join(first_message(item, field) for item in detail)
    text = str(detail)
    if field and field != "non_field_errors":
        label = to_camel(field)
        if not text.startswith(label[:1].upper() + label[1:] + " "):  # "Value is required" names its field
            return f"{label}: {text}"
    return text
