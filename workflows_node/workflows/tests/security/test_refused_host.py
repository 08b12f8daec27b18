"""A Host outside ALLOWED_HOSTS is a 400 whose body says "Bad Request" and nothing about the setting."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

API = ["/api/package/get", "/nowhere", "/gateway/", "/events/package/negotiate"]
PAGES = ["/accounts/login/", "/admin/login/", "/"]


def refused(path: str):
    return Client(raise_request_exception=False).get(path, HTTP_HOST="evil.example")


@pytest.mark.parametrize("path", API + PAGES)
def test_a_closed_node_answers_a_refused_host_with_a_plain_bad_request(settings, path):
    settings.DEBUG = False
    answer = refused(path)
    assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
    assert answer.json() == "Bad Request"
    assert b"ALLOWED_HOSTS" not in answer.content and b"evil.example" not in answer.content


@pytest.mark.parametrize("path", API)
def test_in_debug_too_outside_the_pages(settings, path):
    """With DEBUG on the admin and sign-in pages show Django's debug page instead, to the developer."""
    settings.DEBUG = True
    answer = refused(path)
    assert answer.status_code == 400 and answer.json() == "Bad Request"
