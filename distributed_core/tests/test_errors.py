"""Every way to a 500 (a view, a DRF view, a middleware, Django's handler500) answers the one JSON body.

`{"type": "ServerError", "message": "Internal server error", "path": ..., "id": ...}`, with the id
in the log line that carries the traceback, the exception's text only with DEBUG (as `detail`),
never an HTML page; other error pages Django makes (400, 404, 405) answer JSON too.
"""

from __future__ import annotations

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class CrashingMiddleware:
    """Fails on `/crash/middleware`, inside JsonErrorsMiddleware but outside any view."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/crash/middleware":
            raise RuntimeError("secret detail of a middleware")
        return self.get_response(request)


@pytest.fixture(autouse=True)
def node_like(settings):
    """The node's error handling: JsonErrorsMiddleware first, the one DRF exception handler."""
    settings.ROOT_URLCONF = "distributed_core.tests.crash_urls"
    settings.MIDDLEWARE = [
        "distributed_core.api.errors.JsonErrorsMiddleware",
        "distributed_core.tests.test_errors.CrashingMiddleware",
        "django.middleware.common.CommonMiddleware",  # refuses a Host outside ALLOWED_HOSTS
    ]
    settings.REST_FRAMEWORK = {"EXCEPTION_HANDLER": "distributed_core.api.exception_handler.exception_handler"}
    settings.DEBUG = False
    return settings


@pytest.mark.parametrize("path", ["/crash/view", "/crash/drf", "/crash/middleware"])
@pytest.mark.parametrize("debug", [False, True])
def test_every_500_is_the_json_body_with_the_logged_id(node_like, caplog, path, debug):
    node_like.DEBUG = debug
    with caplog.at_level(logging.ERROR, logger="distributed_core"):
        response = Client(raise_request_exception=False).get(path, HTTP_ACCEPT="*/*")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    body = response.json()
    assert {key: body[key] for key in ("type", "message", "path")} == {
        "type": "ServerError",
        "message": "Internal server error",
        "path": path,
    }
    logged = [record for record in caplog.records if body["id"] in record.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None  # the traceback, under the answer's id
    if debug:
        assert body["detail"].startswith("RuntimeError: secret detail")
    else:
        assert set(body) == {"type", "message", "path", "id"} and "secret" not in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_django_error_pages_answer_json(node_like, debug):
    node_like.DEBUG = debug
    client = Client(raise_request_exception=False)
    suspicious = client.get("/refuse/suspicious", HTTP_ACCEPT="*/*")
    assert suspicious.status_code == 400 and suspicious.json() == "Bad Request"
    refused = client.get("/refuse/method", HTTP_ACCEPT="*/*")
    assert refused.status_code == 405 and refused.json() == "Method Not Allowed" and refused["Allow"] == "POST"
    missing = client.get("/nowhere", HTTP_ACCEPT="*/*")
    assert missing.status_code == 404 and missing.json() == "No route for GET /nowhere"
    bad_host = client.get("/refuse/method", HTTP_HOST="evil.example", HTTP_ACCEPT="*/*")
    assert bad_host.status_code == 400 and bad_host["Content-Type"] == "application/json"
