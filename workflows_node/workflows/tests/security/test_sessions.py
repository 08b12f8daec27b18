"""Browsers: a session from the sign-in page; every session write needs the CSRF token (a JSON 403 without)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    """A browser: cookies kept, CSRF checked as in production."""
    return Client(enforce_csrf_checks=True)


def sign_in(browser: Client, username: str) -> None:
    page = browser.get("/accounts/login/")
    assert page.status_code == 200 and b'name="password"' in page.content
    token = browser.cookies["workflows_csrftoken"].value
    signed_in = browser.post(
        "/accounts/login/", {"username": username, "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/"


def csrf_token(browser: Client) -> str:
    """The token a page of the app carries (in its <meta name="csrf-token">)."""
    html = browser.get("/").content.decode()
    return html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]


def test_a_session_write_without_the_csrf_token_is_a_json_403(browser, make_package):
    make_user("approver", groups=("approvers",))
    sign_in(browser, "approver")
    package = make_package()
    refused = browser.post("/api/package/approve", json.dumps({"id": package.pk}), content_type="application/json")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/json"
    assert json.loads(refused.content).startswith("CSRF Failed")
    package.refresh_from_db()
    assert package.state == "Pending"
    approved = browser.post(
        "/api/package/approve",
        json.dumps({"id": package.pk}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token(browser)},
    )
    assert approved.status_code == 200 and json.loads(approved.content)["data"]["decidedBy"] == "approver"


def test_a_session_read_needs_no_csrf_token(browser):
    make_user("viewer", "view_package")
    sign_in(browser, "viewer")
    assert browser.get("/api/package/get").status_code == 200


def test_a_wrong_password_on_the_sign_in_page_says_so(browser):
    make_user("viewer")
    browser.get("/accounts/login/")
    token = browser.cookies["workflows_csrftoken"].value
    page = browser.post("/accounts/login/", {"username": "viewer", "password": "nope", "csrfmiddlewaretoken": token})
    assert page.status_code == 200 and b"did not match" in page.content


def test_the_sign_in_form_without_its_csrf_token_is_a_json_403(browser):
    make_user("viewer")
    refused = browser.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    assert refused.status_code == 403 and json.loads(refused.content).startswith("CSRF Failed")


def test_signing_out_ends_the_session(browser):
    make_user("viewer", "view_package")
    sign_in(browser, "viewer")
    out = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": csrf_token(browser)})
    assert out.status_code == 302
    assert browser.get("/api/package/get").status_code == 401


def test_the_app_asks_a_stranger_to_sign_in_and_shows_who_is_signed_in(browser):
    page = browser.get("/").content.decode()
    assert 'id="sign-in-form"' in page and "workflows/app.js" not in page
    make_user("viewer", "view_package")
    sign_in(browser, "viewer")
    page = browser.get("/").content.decode()
    assert "Signed in as <strong>viewer</strong>" in page and "workflows/app.js" in page
    assert '<script id="app-permissions" type="application/json">{"decide": false}</script>' in page


def test_an_approver_may_decide_in_the_app(browser):
    make_user("approver", groups=("approvers",))
    sign_in(browser, "approver")
    assert '{"decide": true}' in browser.get("/").content.decode()
