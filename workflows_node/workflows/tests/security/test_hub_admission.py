"""Who may open the package hub: checked before accept (Host, Origin, then the caller), negotiate alike."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.http import HttpRequest
from django.test import Client

from distributed_core.auth.tokens import issue_token
from distributed_core.testing import WebsocketClient
from workflows_project.asgi import application

from .conftest import PASSWORD, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.anyio]

HOST = [(b"host", b"testserver")]


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def credentials(settings):
    settings.DD_SERVICE_TOKENS = ["proposals:old-secret", "proposals:new-secret"]


async def connects(path: str = "/events/package", headers: list[tuple[bytes, bytes]] = HOST) -> bool:
    client = WebsocketClient(application, path, headers=headers)
    accepted = await client.connect()
    if accepted:
        await client.disconnect()
    return accepted


@sync_to_async
def session_cookie(username: str, *permissions: str) -> bytes:
    make_user(username, *permissions)
    browser = Client()
    assert browser.login(request=HttpRequest(), username=username, password=PASSWORD)  # axes needs a request
    return f"workflows_sessionid={browser.cookies['workflows_sessionid'].value}".encode()


@sync_to_async
def token_of(username: str, *permissions: str) -> str:
    return issue_token(make_user(username, *permissions))[1]


async def test_nobody_is_refused():
    assert not await connects()


async def test_a_listener_with_a_valid_credential_is_admitted_either_of_two_while_rotating(credentials):
    for credential in ("proposals:old-secret", "proposals:new-secret"):
        assert await connects(headers=[*HOST, (b"authorization", f"Bearer {credential}".encode())])
    assert await connects("/events/package?access_token=proposals:new-secret")  # a JS client's way


async def test_a_wrong_credential_is_refused_even_on_an_open_node(credentials, settings):
    settings.DD_ALLOW_ANONYMOUS = True
    for credential in ("proposals:nope", "workflows:new-secret", "proposals:new-secre", "new-secret"):
        assert not await connects(headers=[*HOST, (b"authorization", f"Bearer {credential}".encode())])


async def test_a_browser_needs_a_signed_in_user_who_may_view_packages():
    viewer = await session_cookie("viewer", "view_package")
    stranger = await session_cookie("stranger")
    assert await connects(headers=[*HOST, (b"origin", b"http://testserver"), (b"cookie", viewer)])
    assert not await connects(headers=[*HOST, (b"origin", b"http://testserver"), (b"cookie", stranger)])


async def test_an_api_client_may_send_its_token():
    key = await token_of("viewer", "view_package")
    assert await connects(headers=[*HOST, (b"authorization", f"Token {key}".encode())])
    assert not await connects(headers=[*HOST, (b"authorization", b"Token " + b"0" * 40)])


async def test_an_api_token_is_taken_where_a_signalr_client_puts_it():
    """`accessTokenFactory`: Bearer on negotiate, `?access_token=` on the WebSocket; checked by its hash."""
    key = await token_of("viewer", "view_package")
    stranger = await token_of("stranger")
    assert await connects(f"/events/package?access_token={key}")
    assert await connects(headers=[*HOST, (b"authorization", f"Bearer {key}".encode())])
    assert not await connects(f"/events/package?access_token={stranger}")  # may not view packages
    assert not await connects(f"/events/package?access_token={'0' * 64}")
    negotiated = await sync_to_async(Client().post)(
        "/events/package/negotiate", headers={"Authorization": f"Bearer {key}"}
    )
    assert negotiated.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        [(b"host", b"evil.example:5201"), (b"origin", b"http://evil.example:5201")],  # DNS rebinding
        [(b"host", b"evil.example")],
        [*HOST, (b"origin", b"http://evil.example")],  # another site's page
        [*HOST, (b"origin", b"https://testserver")],  # the scheme counts
        [*HOST, (b"origin", b"http://testserver:8080")],  # so does the port
        [*HOST, (b"origin", b"null")],
        [*HOST, (b"origin", b"http://testserver:port")],
    ],
)
async def test_a_foreign_host_or_origin_is_refused_whoever_calls(credentials, headers):
    assert not await connects(headers=[*headers, (b"authorization", b"Bearer proposals:new-secret")])


async def test_listed_origins_are_admitted(credentials, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://apps.example"]
    bearer = (b"authorization", b"Bearer proposals:new-secret")
    assert await connects(headers=[*HOST, (b"origin", b"https://apps.example"), bearer])
    assert not await connects(headers=[*HOST, (b"origin", b"http://apps.example"), bearer])


def test_negotiate_applies_the_same_rules(settings):
    settings.DD_SERVICE_TOKENS = ["proposals:new-secret"]
    client = Client()
    assert client.post("/events/package/negotiate?negotiateVersion=1").status_code == 401
    refused = client.post("/events/package/negotiate", headers={"Authorization": "Bearer proposals:nope"})
    assert refused.status_code == 403 and refused.json() == "The service credential is not valid"
    evil = client.post("/events/package/negotiate", headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and evil.json() == "A page of http://evil.example may not connect to this hub"
    admitted = client.post("/events/package/negotiate", headers={"Authorization": "Bearer proposals:new-secret"})
    assert admitted.status_code == 200 and admitted.json()["availableTransports"][0]["transport"] == "WebSockets"
    make_user("stranger")
    assert client.login(request=HttpRequest(), username="stranger", password=PASSWORD)
    refused = client.post("/events/package/negotiate")
    assert refused.status_code == 403 and "workflows.view_package" in refused.json()
    assert client.post("/events/package/negotiate", headers={"Host": "evil.example"}).status_code == 400
