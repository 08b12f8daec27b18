"""A hub connection lives only as long as the access that admitted it (hubs/access.py), in process.

Each test opens the `note` hub through HubAdmission, withdraws what admitted the connection, and
expects a Close record saying so (no allowReconnect), then the socket's close, within a few
rechecks; `Replay` after the withdrawal sends no event. The real nodes' tests, with sessions,
the token route and several workers, are in tests/test_hub_access.py.
"""

from __future__ import annotations

import json

import pytest
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client
from django.urls import re_path

from distributed_core.auth.access import Access, check_access, check_accesses
from distributed_core.auth.callers import Refused
from distributed_core.events.hubs import EventHubConsumer, HubAdmission
from distributed_core.events.log import record_event
from distributed_core.testing import WebsocketClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.anyio]

RS = "\x1e"
RECHECK = 0.2
CREDENTIAL = "proposals:old-secret-of-the-proposals-node"
SUCCESSOR = "proposals:new-secret-of-the-proposals-node"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def closed(settings):
    settings.DEBUG = False
    settings.DD_ALLOW_ANONYMOUS = False
    settings.DD_SERVICE_TOKENS = [CREDENTIAL, SUCCESSOR]
    settings.DD_HUB_ACCESS_RECHECK = RECHECK
    return settings


def router():
    hub = HubAdmission(EventHubConsumer.as_asgi())
    return AuthMiddlewareStack(URLRouter([re_path(r"^events/(?P<hub>[\w-]+)/?$", hub)]))


async def connected(header: str) -> WebsocketClient:
    """A connection through admission with `header`: `Bearer <credential>`, or a session's cookie."""
    name = b"authorization" if header.startswith("Bearer ") else b"cookie"
    client = WebsocketClient(router(), "/events/note", headers=[(name, header.encode())])
    assert await client.connect()
    await client.send_text(json.dumps({"protocol": "json", "version": 1}) + RS)
    assert await client.receive_text() == "{}" + RS
    return client


async def closed_for_good(client: WebsocketClient, timeout: float = 10 * RECHECK) -> dict:
    """The Close record the hub sends (skipping keep-alives), after which it closes the socket."""
    while True:
        frame = await client.receive_text(timeout)
        records = [json.loads(part) for part in frame.split(RS) if part]
        if any(record["type"] in (1, 3) and record.get("target") != "Ping" for record in records):
            raise AssertionError(f"sent after its access was withdrawn: {frame}")
        close = next((record for record in records if record["type"] == 7), None)
        if close is not None:
            assert (await client.receive_output(timeout))["type"] == "websocket.close"
            assert "allowReconnect" not in close
            return close


def viewer(username: str = "reader") -> tuple[User, str]:
    """A user who may view notes, signed in: the user and its session's cookie."""
    user = User.objects.create_user(username, password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_note"))
    browser = Client()
    browser.force_login(user)
    return user, f"sessionid={browser.cookies['sessionid'].value}"


def password_changed(user: User) -> None:
    user.set_password("y")
    user.save()


async def test_a_service_credential_rotated_out_closes_its_connections(closed):
    old, new = await connected(f"Bearer {CREDENTIAL}"), await connected(f"Bearer {SUCCESSOR}")
    closed.DD_SERVICE_TOKENS = [SUCCESSOR]
    assert "The service credential is not valid" in (await closed_for_good(old))["error"]
    await new.send_text(json.dumps({"type": 1, "invocationId": "1", "target": "Sync", "arguments": []}) + RS)
    assert json.loads((await new.receive_text()).rstrip(RS)) == {"type": 3, "invocationId": "1", "result": 0}
    await new.disconnect()  # the successor's connection is still served


@pytest.mark.parametrize(
    "withdraw",
    [
        pytest.param(lambda user: Session.objects.all().delete(), id="session ended"),
        pytest.param(lambda user: User.objects.filter(pk=user.pk).update(is_active=False), id="user disabled"),
        pytest.param(lambda user: User.objects.filter(pk=user.pk).delete(), id="user deleted"),
        pytest.param(lambda user: user.user_permissions.clear(), id="permission removed"),
        pytest.param(password_changed, id="password changed"),
    ],
)
async def test_a_session_connection_closes_when_its_access_is_withdrawn(closed, withdraw):
    user, cookie = await database_sync_to_async(viewer)()
    client = await connected(cookie)
    await database_sync_to_async(withdraw)(user)
    assert (await closed_for_good(client))["error"].startswith("Access withdrawn: ")


async def test_replay_after_a_revocation_sends_no_event(closed):
    closed.DD_HUB_ACCESS_RECHECK = 60.0  # the periodic check is far away: Replay's own check must refuse
    user, cookie = await database_sync_to_async(viewer)()

    def log() -> None:
        with transaction.atomic():
            for _ in range(3):
                record_event("note", "OnAdd", entity_id=1)

    await database_sync_to_async(log)()
    client = await connected(cookie)
    await database_sync_to_async(lambda: Session.objects.all().delete())()
    await client.send_text(json.dumps({"type": 1, "invocationId": "1", "target": "Replay", "arguments": [0]}) + RS)
    completion = json.loads((await client.receive_text()).rstrip(RS))
    assert completion["type"] == 3 and "access withdrawn" in completion["error"] and "result" not in completion
    assert (await closed_for_good(client))["error"].startswith("Access withdrawn: ")


def test_check_access_reads_what_is_true_now(closed, db):
    user, cookie = viewer("checked")
    access = Access("testapp.view_note", session_key=cookie.partition("=")[2])
    assert check_access(access) == "user checked"
    user.user_permissions.clear()
    with pytest.raises(Refused, match="needs the testapp.view_note permission"):
        check_access(access)
    assert "secret" not in repr(Access("p", credential=CREDENTIAL, key="k3y"))
    assert cookie.partition("=")[2] not in repr(access)


def accesses_in_every_state() -> list[Access]:
    """Sessions of users in each state, a credential kept and one rotated out, and nobody."""
    note = "testapp.view_note"
    states = []
    for index in range(6):
        user, cookie = viewer(f"user{index}")
        states.append((user, Access(note, session_key=cookie.partition("=")[2])))
    (kept, _), (ended, ended_access), (disabled, _), (deleted, _), (unpermitted, _), (changed, _) = states
    Session.objects.filter(session_key=ended_access.session_key).delete()
    User.objects.filter(pk=disabled.pk).update(is_active=False)
    deleted.delete()
    unpermitted.user_permissions.clear()
    password_changed(changed)
    boss = User.objects.create_superuser("boss", password="x")
    browser = Client()
    browser.force_login(boss)
    superuser = Access(note, session_key=browser.cookies["sessionid"].value)
    return [
        *(access for _, access in states),
        superuser,
        Access(note, credential=SUCCESSOR),
        Access(note, credential="proposals:rotated-out"),
        Access(note),
    ]


def test_checking_many_at_once_refuses_what_checking_each_refuses(closed, db):
    accesses = accesses_in_every_state()
    one_by_one = {}
    for access in accesses:
        try:
            check_access(access)
        except Refused as refusal:
            one_by_one[access] = refusal.reason
    at_once = check_accesses(accesses)
    assert at_once == one_by_one and len(at_once) == 7  # all but the kept one, the superuser's, the credential


def test_checking_many_sessions_costs_the_queries_of_one(closed, db, django_assert_max_num_queries):
    accesses = [Access("testapp.view_note", session_key=viewer(f"many{n}")[1].partition("=")[2]) for n in range(20)]
    with django_assert_max_num_queries(3):  # the sessions, their users, who holds the permission
        assert check_accesses(accesses) == {}
