"""/schema/ and /swagger/: for whoever is identified on a closed node, anyone on an open one; no CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from distributed_core.auth.tokens import issue_token

pytestmark = pytest.mark.django_db

PAGES = ["/schema/", "/swagger/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_closed_node_shows_them_to_nobody_anonymous(settings, path):
    settings.DD_ALLOW_ANONYMOUS = False
    assert Client().get(path).status_code == 401


@pytest.mark.parametrize("path", PAGES)
def test_a_closed_node_shows_them_to_a_token_user_session_user_or_node(settings, path):
    settings.DD_ALLOW_ANONYMOUS = False
    settings.DD_SERVICE_TOKENS = ["workflows:s3cret"]
    user = User.objects.create_user("reader")  # no permission needed: the schema is no data
    assert Client(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}").get(path).status_code == 200
    browser = Client()
    browser.force_login(user)
    assert browser.get(path).status_code == 200
    assert Client(HTTP_AUTHORIZATION="Bearer workflows:s3cret").get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_an_open_node_shows_them_to_anyone(settings, path):
    settings.DD_ALLOW_ANONYMOUS = True
    assert Client().get(path).status_code == 200


def test_swagger_ui_comes_from_the_node_not_a_cdn(settings):
    settings.DD_ALLOW_ANONYMOUS = True
    page = Client().get("/swagger/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "@latest" not in page


def test_swagger_ui_runs_no_inline_script(settings):
    """The Content-Security-Policy runs no inline script: Swagger UI's start-up script is a file of its own."""
    settings.DD_ALLOW_ANONYMOUS = True
    page = Client().get("/swagger/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all(" src=" in attributes for attributes in scripts)
    start = Client().get("/swagger/?script=")
    assert start.status_code == 200 and start["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in start.content.decode()
