"""`POST /api/auth/token/` and `Authorization: Token <key>`: every refusal a JSON 4xx, never a 500 or a page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.authtoken.models import Token

from distributed_core.testing import JsonClient

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> JsonClient:
    return JsonClient()


def with_token(key: str) -> JsonClient:
    client = JsonClient()
    client.client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    return client


def test_a_right_password_gets_a_token_that_works(api):
    make_user("viewer", "view_package")
    answer = api.post("/api/auth/token/", {"username": "viewer", "password": PASSWORD})
    assert answer.status_code == 200 and set(answer.json_body) == {"token"}
    assert with_token(answer.json_body["token"]).get("/api/package/get").status_code == 200
    again = api.post("/api/auth/token", {"username": "viewer", "password": PASSWORD})  # the slash is optional
    assert again.json_body == answer.json_body  # the same token while it is valid


def test_a_wrong_password_is_400(api):
    make_user("viewer")
    for body in ({"username": "viewer", "password": "wrong"}, {"username": "nobody", "password": PASSWORD}):
        answer = api.post("/api/auth/token/", body)
        assert answer.status_code == 400
        assert answer.json_body == "Unable to sign in with the username and password given"


def test_missing_fields_are_400(api):
    answer = api.post("/api/auth/token/", {"username": "viewer"})
    assert answer.status_code == 400 and answer.json_body == "password: This field is required."
    assert api.post("/api/auth/token/", raw="{not json").status_code == 400


def test_a_disabled_account_is_401(api):
    user = make_user("viewer", "view_package")
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    answer = api.post("/api/auth/token/", {"username": "viewer", "password": PASSWORD})
    assert answer.status_code == 401 and answer.json_body == "This account is disabled"
    refused = with_token(token.key).get("/api/package/get")
    assert refused.status_code == 401 and refused.json_body == "This account is disabled"


def test_an_unknown_token_is_401():
    refused = with_token("0" * 40).get("/api/package/get")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert refused.json_body == "The token is not valid: ask POST /api/auth/token/ for one"


def test_an_expired_token_is_401_and_a_new_one_is_issued(api, settings):
    settings.DD_AUTH_TOKEN_LIFETIME = 60
    user = make_user("viewer", "view_package")
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=token.created - timedelta(seconds=61))
    refused = with_token(token.key).get("/api/package/get")
    assert refused.status_code == 401 and "expired" in refused.json_body
    fresh = api.post("/api/auth/token/", {"username": "viewer", "password": PASSWORD}).json_body["token"]
    assert fresh != token.key and with_token(fresh).get("/api/package/get").status_code == 200


def test_a_token_can_be_revoked(api):
    make_user("viewer", "view_package")
    key = api.post("/api/auth/token/", {"username": "viewer", "password": PASSWORD}).json_body["token"]
    assert with_token(key).delete("/api/auth/token/").status_code == 204
    assert with_token(key).get("/api/package/get").status_code == 401
    assert api.delete("/api/auth/token/").status_code == 401
