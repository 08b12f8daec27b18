"""Guessing is slowed: 5 failed sign-ins of one username, or 20 from one address, within the cool-off, and every
attempt for it is a 429 with Retry-After, the right password too, on the token route and both sign-in pages,
until the cool-off passes or an operator resets the count."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from distributed_core.auth.lockout import LOCKED_OUT

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

COOLOFF = "900"  # seconds: AXES_COOLOFF_TIME's default, 15 minutes


def token(username: str, password: str, address: str = "10.0.0.1", **extra):
    """POST /api/auth/token/ from `address`; the answer with its decoded body as `body`."""
    body = json.dumps({"username": username, "password": password})
    answer = Client().post("/api/auth/token/", body, content_type="application/json", REMOTE_ADDR=address, **extra)
    answer.body = json.loads(answer.content)
    return answer


def page(path: str, username: str, password: str, address: str = "10.0.0.1", browser: Client | None = None):
    """POST a sign-in form (`/accounts/login/`, `/admin/login/`) from `address`."""
    return (browser or Client()).post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_of_a_username_lock_it_out_even_with_the_right_password():
    make_user("viewer")
    make_user("other")
    for _ in range(4):
        assert token("viewer", "wrong").status_code == 400
    fifth = token("viewer", "wrong")
    assert fifth.status_code == 429 and fifth.body == LOCKED_OUT and fifth["Retry-After"] == COOLOFF
    assert fifth["Content-Type"] == "application/json"
    right = token("viewer", PASSWORD)
    assert right.status_code == 429 and right["Retry-After"] == COOLOFF and "token" not in right.body
    assert token("viewer", PASSWORD, address="10.0.0.2").status_code == 429  # the username, from anywhere
    assert token("other", PASSWORD).status_code == 200  # the address has 6 failures, under its 20


def test_twenty_failures_from_one_address_lock_it_out():
    make_user("viewer")
    for number in range(19):
        assert token(f"guess{number}", "wrong").status_code == 400  # one try per username: no username's limit
    twentieth = token("guess19", "wrong")
    assert twentieth.status_code == 429 and twentieth["Retry-After"] == COOLOFF
    assert token("viewer", PASSWORD).status_code == 429  # anyone, from that address
    assert token("viewer", PASSWORD, address="10.0.0.2").status_code == 200


def test_the_sign_in_page_answers_a_429_page():
    make_user("viewer")
    for _ in range(4):
        failed = page("/accounts/login/", "viewer", "wrong")
        assert failed.status_code == 200 and b"did not match" in failed.content
    locked = page("/accounts/login/", "viewer", "wrong")
    assert locked.status_code == 429 and locked["Retry-After"] == COOLOFF
    assert locked["Content-Type"].startswith("text/html") and b"Too many failed sign-ins" in locked.content
    assert b"try again in 15 minutes" in locked.content
    browser = Client()
    right = page("/accounts/login/", "viewer", PASSWORD, browser=browser)
    assert right.status_code == 429 and right["Retry-After"] == COOLOFF
    assert browser.get("/api/package/get").status_code == 401  # not signed in


def test_the_admin_sign_in_page_too():
    User = make_user("admin").__class__
    User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    for _ in range(4):
        assert page("/admin/login/", "admin", "wrong").status_code == 200
    assert page("/admin/login/", "admin", "wrong").status_code == 429
    locked = page("/admin/login/", "admin", PASSWORD)
    assert locked.status_code == 429 and locked["Retry-After"] == COOLOFF and b"Too many failed" in locked.content


def test_failures_count_together_on_every_way_in():
    make_user("viewer")
    token("viewer", "wrong")
    token("viewer", "wrong")
    page("/accounts/login/", "viewer", "wrong")
    page("/admin/login/", "viewer", "wrong")
    assert token("viewer", "wrong").status_code == 429
    assert page("/accounts/login/", "viewer", PASSWORD).status_code == 429


def test_an_operator_unlocks_a_username_or_an_address():
    make_user("viewer")
    for _ in range(5):
        token("viewer", "wrong")
    call_command("axes_reset_username", "viewer", stdout=io.StringIO())
    assert token("viewer", PASSWORD).status_code == 200
    for number in range(20):
        token(f"guess{number}", "wrong", address="10.0.0.9")
    assert token("viewer", PASSWORD, address="10.0.0.9").status_code == 429
    call_command("axes_reset_ip", "10.0.0.9", stdout=io.StringIO())
    assert token("viewer", PASSWORD, address="10.0.0.9").status_code == 200


def test_the_limits_are_settings(settings):
    settings.DD_SIGN_IN_USERNAME_FAILURES = 2
    settings.DD_SIGN_IN_ADDRESS_FAILURES = 3
    make_user("viewer")
    assert token("viewer", "wrong").status_code == 400
    assert token("viewer", "wrong").status_code == 429
    assert token("a", "wrong", address="10.0.0.3").status_code == 400
    assert token("b", "wrong", address="10.0.0.3").status_code == 400
    assert token("c", "wrong", address="10.0.0.3").status_code == 429


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(settings):
    make_user("viewer")
    for number in range(20):  # each claims another address: ignored, they all come from 10.0.0.1
        token(f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert token("viewer", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429
    settings.DD_TRUSTED_PROXIES = 1  # nginx in front: it appends the address it was called from
    proxy = "10.0.0.50"
    for number in range(20):
        token(f"other{number}", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.9, 198.51.100.{number}")
    # each came from its own address (the one nginx saw): none reached 20; what the client wrote left of it counts not
    assert token("viewer", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7").status_code == 200
