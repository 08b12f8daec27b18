"""JSON answers for errors Django raises outside DRF views (unknown URLs, bad hosts, CSRF, crashes).

Wired as `handler400`/`handler404`/`handler500` in each node's URLconf, as CSRF_FAILURE_VIEW and
as a middleware, so that a client never receives an HTML error page (with DEBUG on, Django
still shows its debug page for a refused Host).
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse

from .exception_handler import server_error_body

__all__ = ["JsonErrorsMiddleware", "bad_request", "csrf_failure", "not_found", "server_error"]

logger = logging.getLogger("distributed_core")

HTML_PREFIXES = ("/admin", "/static")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler400`: a 400 whose body is a JSON string saying what was wrong (e.g. a Host not in ALLOWED_HOSTS)."""
    return JsonResponse(str(exception) if exception else "Bad request", status=400, safe=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a 403 whose body is a JSON string, as DRF answers a session write without the token."""
    return JsonResponse(f"CSRF Failed: {reason}" if reason else "CSRF Failed", status=403, safe=False)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler404`: a 404 whose body is a JSON string naming the unmatched method and path."""
    return JsonResponse(f"No route for {request.method} {request.path}", status=404, safe=False)


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: a 500 whose body is a JSON object: type `ServerError`, a generic message, the path."""
    return JsonResponse({"type": "ServerError", "message": "Internal server error", "path": request.path}, status=500)


class JsonErrorsMiddleware:
    """Answer unknown routes and unhandled errors with JSON, whatever DEBUG says (admin aside)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and "html" in response.get("Content-Type", "")
            and not request.path.startswith(HTML_PREFIXES)
        ):
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Log an unhandled error and answer a JSON 500; admin and static paths keep Django's page."""
        if request.path.startswith(HTML_PREFIXES):
            return None
        return JsonResponse(server_error_body(exception, request.path), status=500)
