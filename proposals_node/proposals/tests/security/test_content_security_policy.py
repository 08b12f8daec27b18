"""A Content-Security-Policy on every answer: pages, API answers, and the node's own refusals and errors.

`default-src 'self'`, `frame-ancestors 'none'`, and `connect-src` the node itself and the workflows
node its app follows (the gateway's origin and its WebSocket form).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from distributed_core.testing import JsonClient

pytestmark = pytest.mark.django_db

WORKFLOWS = {"workflows": {"url": "https://workflows.example:8443", "token": "proposals:s3cret"}}


def directives(answer) -> dict[str, list[str]]:
    """The answer's Content-Security-Policy, by directive."""
    policy = answer["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_policy(answer) -> None:
    policy = directives(answer)
    assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["connect-src"] == ["'self'", "https://workflows.example:8443", "wss://workflows.example:8443"]
    assert "script-src" not in policy and "style-src" not in policy  # default-src: no inline script or style


@pytest.fixture(autouse=True)
def gateways(settings):
    settings.DD_GATEWAYS = WORKFLOWS


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("allow_anonymous", [False, True])
def test_every_page_and_api_answer_has_it(settings, debug, allow_anonymous):
    settings.DEBUG, settings.DD_ALLOW_ANONYMOUS = debug, allow_anonymous
    client = Client()
    for path in ("/", "/accounts/login/", "/admin/login/", "/swagger/", "/api/", "/api/proposal/get", "/schema/"):
        answer = client.get(path)
        assert answer.status_code in (200, 401), (path, answer.status_code)
        assert_policy(answer)


@pytest.mark.parametrize("debug", [False, True])
def test_the_nodes_own_refusals_and_errors_have_it(settings, debug):
    settings.DEBUG, settings.DD_ALLOW_ANONYMOUS = debug, False
    api = JsonClient()
    answers = {
        404: api.get("/nowhere"),
        400: api.post("/api/auth/token/", raw="{not json"),
        401: api.get("/api/proposal/get"),
        405: api.call("put", "/api/auth/token/"),
    }
    answers[403] = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    answers[4000] = Client().get("/api/proposal/get", HTTP_HOST="evil.example")  # a refused Host: 400
    for status, answer in answers.items():
        assert answer.status_code == (400 if status == 4000 else status), (status, answer.content)
        assert_policy(answer)


def test_a_locked_out_sign_in_has_it(settings):
    settings.DD_SIGN_IN_USERNAME_FAILURES = 1
    User.objects.create_user("viewer", password="right")
    locked = JsonClient().post("/api/auth/token/", {"username": "viewer", "password": "wrong"})
    assert locked.status_code == 429
    assert_policy(locked)


def test_without_gateways_only_the_node_itself(settings):
    settings.DD_GATEWAYS = {}
    assert directives(Client().get("/api/"))["connect-src"] == ["'self'"]
