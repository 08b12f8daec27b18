"""Guessing is slowed on real nodes (DEBUG=0): past the sign-in failure limits the token route and both
sign-in pages answer 429 with Retry-After, the right password too; the workers of a node that share Redis
count together, and an operator's `manage.py axes_reset_username` unlocks the account on all of them."""

from __future__ import annotations

import os

import pytest

from .client import Api
from .nodes import NodeProcess, Suite
from .people import PASSWORD, add_accounts, json_of

REDIS = os.environ.get("TEST_REDIS_URL", "")
COOLOFF = "900"
LOCKED_OUT = "Too many failed sign-ins for this username or from this address: try again after Retry-After seconds"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A closed suite of its own: the failures counted here lock nobody out of the other tests' suites."""
    running = Suite(tmp_path_factory.mktemp("guarded"), service_token="guarded-suite-secret", debug=False).start()
    add_accounts(running)
    yield running
    running.stop()


def token(url: str, username: str, password: str):
    return Api(url).post("/api/auth/token/", {"username": username, "password": password})


def sign_in_page(url: str, path: str, username: str, password: str):
    """POST the sign-in form at `path` (`/accounts/login/`, `/admin/login/`) as a browser does, CSRF token included."""
    api = Api(url)
    assert api.get(path).status_code == 200
    csrf = next(value for name, value in api.session.cookies.items() if name.endswith("csrftoken"))
    form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf, "next": "/"}
    return api.session.post(url + path, data=form, allow_redirects=False, timeout=15, headers={"Referer": url + path})


def test_five_wrong_passwords_lock_a_username_out_of_every_way_in(guarded):
    url = guarded.workflows.url
    for _ in range(4):
        assert token(url, "approver", "not the password").status_code == 400
    fifth = token(url, "approver", "not the password")
    assert fifth.status_code == 429 and json_of(fifth) == LOCKED_OUT and fifth.headers["Retry-After"] == COOLOFF
    right = token(url, "approver", PASSWORD)
    assert right.status_code == 429 and right.headers["Retry-After"] == COOLOFF
    for path in ("/accounts/login/", "/admin/login/"):
        page = sign_in_page(url, path, "approver", PASSWORD)
        assert page.status_code == 429 and page.headers["Retry-After"] == COOLOFF
        assert page.headers["Content-Type"].startswith("text/html") and "Too many failed sign-ins" in page.text
    assert token(url, "viewer", PASSWORD).status_code == 200  # another account from the same address: 7 of 20
    assert token(guarded.proposals.url, "approver", PASSWORD).status_code == 200  # each node counts its own


def test_the_sign_in_page_locks_out_too(guarded):
    url = guarded.proposals.url
    for _ in range(4):
        assert sign_in_page(url, "/accounts/login/", "proposer", "not the password").status_code == 200
    assert sign_in_page(url, "/accounts/login/", "proposer", "not the password").status_code == 429
    assert token(url, "proposer", PASSWORD).status_code == 429


@pytest.mark.skipif(not REDIS, reason="needs Redis: set TEST_REDIS_URL (manage_all.py test does when Redis answers)")
def test_the_workers_of_a_node_count_together_and_an_operator_unlocks_the_account(tmp_path):
    suite = Suite(tmp_path, service_token="shared-count-secret", debug=False, extra_env={"REDIS_URL": REDIS}).start()
    second = NodeProcess("workflows", suite.workflows.env, tmp_path)  # another worker of the same node
    try:
        second.start()
        suite.add_user("carol", PASSWORD, "--permission=workflows.view_package", nodes=("workflows",))
        first_url, second_url = suite.workflows.url, second.url
        for url in (first_url, second_url, first_url, second_url):
            assert token(url, "carol", "not the password").status_code == 400
        assert token(second_url, "carol", "not the password").status_code == 429  # the fifth, counted together
        assert token(first_url, "carol", PASSWORD).status_code == 429
        unlocked = suite.workflows.manage("axes_reset_username", "carol")
        assert "removed" in unlocked.stdout
        assert token(first_url, "carol", PASSWORD).status_code == 200
        assert token(second_url, "carol", PASSWORD).status_code == 200
    finally:
        second.stop()
        suite.stop()
