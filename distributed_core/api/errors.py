"""JSON answers for errors Django handles outside DRF views (unknown URLs, refused requests, crashes).

Every way Django turns a failure into a response ends in JSON here, whatever DEBUG says
(admin, the sign-in pages and static files keep their pages; a sign-in page's 429 after too many failed
sign-ins, for one, is a page):

- a view's unhandled exception: `JsonErrorsMiddleware.process_exception`, a logged JSON 500;
- an exception in a middleware or elsewhere in Django's handler: `log_unhandled_error` (on
  `got_request_exception`) logs it with an id, then `server_error` (`handler500`) answers the
  JSON 500 with that id, or, with DEBUG on, the middleware replaces Django's debug page by it;
- any other error answer that is not JSON (a 404 page, a 400 for a bad Host, a 405, a CSRF
  403): the middleware answers its status with the message as a JSON string; a DRF answer
  another renderer made (the schema's YAML) keeps its data, as JSON. DRF's browsable API,
  which a browser asks for, stays as it is.

An error that is an outage of a backing service (the database cannot be reached: `outages`)
takes each of these ways too, and answers a 503 with `Retry-After` instead of the 500.

The middleware is the first in `MIDDLEWARE`, so it sees what every other middleware answers.
`handler400` (a refused Host with DEBUG off) and CSRF_FAILURE_VIEW answer their own JSON; a refused Host
gets "Bad Request", without Django's message, which names the setting that refused it.
"""

from __future__ import annotations

import sys

from django.core.exceptions import BadRequest, DisallowedHost, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from rest_framework.response import Response

from .exception_handler import error_body, error_status

__all__ = ["JsonErrorsMiddleware", "bad_request", "csrf_failure", "log_unhandled_error", "not_found", "server_error"]

HTML_PREFIXES = ("/admin", "/static", "/accounts")  # the admin, static files, the sign-in pages
# what Django itself answers with a 4xx (then made JSON below): not an error of the node
REFUSALS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)
BODY_HEADERS = {"content-type", "content-length", "content-encoding", "content-disposition"}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler400`: a 400 whose body is a JSON string saying what was wrong; "Bad Request" for a refused Host.

    Django's message for a Host outside ALLOWED_HOSTS tells a stranger which setting to aim at:
    a closed node answers as Django does in DEBUG, with the status's phrase only.
    """
    if exception is None or isinstance(exception, DisallowedHost):
        return JsonResponse("Bad Request", status=400, safe=False)
    return JsonResponse(str(exception), status=400, safe=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a 403 whose body is a JSON string, as DRF answers a session write without the token."""
    return JsonResponse(f"CSRF Failed: {reason}" if reason else "CSRF Failed", status=403, safe=False)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler404`: a 404 whose body is a JSON string naming the unmatched method and path."""
    return JsonResponse(f"No route for {request.method} {request.path}", status=404, safe=False)


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the JSON 500 body (type `ServerError`, a generic message, the path, the logged error's id),
    or an outage's 503 with `Retry-After` (type `ServiceUnavailable`)."""
    return error_response(logged_error_body(request))


def error_response(body: dict[str, str]) -> JsonResponse:
    """The JSON answer of an unexpected error's body: a 500, or an outage's 503 with `Retry-After`."""
    code, headers = error_status(body)
    return JsonResponse(body, status=code, headers=headers)


@receiver(got_request_exception)
def log_unhandled_error(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Log the exception Django's handler is about to answer with a 500, once, with the id its body will carry."""
    error = sys.exc_info()[1]
    if request is not None and error is not None:
        request.server_error_body = error_body(error, request.path)


def logged_error_body(request: HttpRequest) -> dict[str, str]:
    """The body `log_unhandled_error` made for this request, else one for the exception being handled."""
    body = getattr(request, "server_error_body", None)
    if body is None:
        error = sys.exc_info()[1] or RuntimeError("A 500 answer without an exception")
        body = request.server_error_body = error_body(error, request.path)
    return body


class JsonErrorsMiddleware:
    """Answer unknown routes, refusals and unhandled errors with JSON, whatever DEBUG says (pages aside)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code < 400 or "json" in content_type or request.path.startswith(HTML_PREFIXES):
            return response
        if isinstance(response, Response) and "html" in content_type:
            return response  # DRF's browsable API, which the client asked for
        return self.as_json(request, response)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Log a view's unhandled error and answer its JSON 500 (or outage 503); pages keep Django's page."""
        if request.path.startswith(HTML_PREFIXES) or isinstance(exception, REFUSALS):
            return None
        return error_response(error_body(exception, request.path))

    def as_json(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """The JSON answer of an error response that is not JSON (an HTML or text page)."""
        if isinstance(response, Response):  # rendered by another renderer (the schema's YAML): same data as JSON
            answer = JsonResponse(response.data, status=response.status_code, safe=False)
        elif response.status_code == 404:
            answer = not_found(request)
        elif response.status_code == 500 and hasattr(request, "server_error_body"):
            answer = error_response(request.server_error_body)  # Django's debug page of that error (or outage)
        else:
            answer = JsonResponse(response.reason_phrase, status=response.status_code, safe=False)
        for header, value in response.items():  # CORS, Allow, Retry-After, Vary, ... stay as they were
            if header.lower() not in BODY_HEADERS:
                answer[header] = value
        answer.cookies = response.cookies
        return answer
