"""Command routes with an `Idempotency-Key`: a retry gets the first answer, and the command acts once."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections

from distributed_core import signals
from distributed_core.idempotency import IdempotentCall, advisory_lock_id
from distributed_core.models import Event, IdempotencyKey
from distributed_core.testing import JsonClient
from workflows.models import Package

pytestmark = pytest.mark.django_db

NEW = {"value": "Please decide", "title": "Budget", "entityId": 1, "entityType": "Proposal"}
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


def events() -> list[str]:
    return list(Event.objects.filter(hub="package").values_list("target", flat=True))


@pytest.fixture
def receiver():
    """Connect a receiver of a command hook for Package, for one test."""
    connected = []

    def connect(signal, function):
        signal.connect(function, sender=Package, weak=False)
        connected.append((signal, function))

    yield connect
    for signal, function in connected:
        signal.disconnect(function, sender=Package)


def signed_in(username: str) -> JsonClient:
    """A client signed in as a new user who may add, change and decide packages."""
    user = User.objects.create_user(username)
    codenames = ["view_package", "add_package", "change_package", "delete_package", "decide_package"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = JsonClient()
    client.client.force_login(user)
    return client


def test_a_retry_with_the_key_gets_the_first_answer_and_adds_nothing(api):
    first = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    again = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content  # the same bytes: the same package, dates and all
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Package.objects.count() == 1 and events() == ["OnAdd"]


def test_without_a_key_each_request_acts_and_nothing_is_stored(api):
    assert api.post("/api/package/save", NEW).status_code == 200
    refused = api.post("/api/package/save", NEW)
    assert refused.status_code == 400 and "already has an active package" in refused.json_body
    assert not IdempotencyKey.objects.exists()


def test_the_answer_is_kept_in_the_database_with_its_status_and_body(api):
    first = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    stored = IdempotencyKey.objects.get()
    assert (stored.caller, stored.key, stored.status) == ("anonymous", KEY, 200)
    assert json.loads(stored.body)["data"]["id"] == first.json_body["data"]["id"]


@pytest.mark.parametrize("action", ["approve", "reject", "return"])
def test_a_decision_sent_twice_with_its_key_decides_once(api, make_package, action):
    package = make_package()
    first = api.post(f"/api/package/{action}", {"id": package.pk}, **{"Idempotency-Key": KEY})
    again = api.post(f"/api/package/{action}", {"id": package.pk}, **{"Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert events().count("OnStateChanged") == 1


def test_a_removal_sent_twice_with_its_key_answers_its_success_twice(api, make_package):
    package = make_package()
    first = api.delete("/api/package/remove", {"id": package.pk}, **{"Idempotency-Key": KEY})
    again = api.delete("/api/package/remove", {"id": package.pk}, **{"Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 200 and again.json_body["data"] == package.pk
    assert events().count("OnRemove") == 1


def test_the_resource_routes_take_the_key_too(api, make_package):
    first = api.post("/api/package/", NEW, **{"Idempotency-Key": KEY})
    again = api.post("/api/package/", NEW, **{"Idempotency-Key": KEY})
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert Package.objects.count() == 1


def test_a_gateway_submit_and_withdraw_sent_twice_act_once(api):
    submitted = [api.post("/gateway/submitPackage", NEW, **{"Idempotency-Key": "submit-1"}) for _ in range(2)]
    assert [answer.status_code for answer in submitted] == [200, 200] and submitted[0].content == submitted[1].content
    package_id = submitted[0].json_body["data"]["id"]
    withdrawn = [api.post("/gateway/withdrawPackage", {"id": package_id}, **{"Idempotency-Key": "w-1"}) for _ in "ab"]
    assert [answer.status_code for answer in withdrawn] == [200, 200]
    assert events() == ["OnAdd", "OnRemove"]


def test_a_refusal_is_stored_and_given_again_even_once_the_request_would_pass(api, make_package):
    package = make_package(state="Returned")
    refused = api.post("/api/package/approve", {"id": package.pk}, **{"Idempotency-Key": KEY})
    assert refused.status_code == 400 and "only a Pending package can be approved" in refused.json_body
    Package.objects.filter(pk=package.pk).update(state="Pending")
    again = api.post("/api/package/approve", {"id": package.pk}, **{"Idempotency-Key": KEY})
    assert again.status_code == 400 and again.json_body == refused.json_body
    assert again["Idempotent-Replayed"] == "true"
    assert Package.objects.get(pk=package.pk).state == "Pending" and "OnStateChanged" not in events()


def test_the_key_with_another_body_is_422_and_does_nothing(api):
    assert api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY}).status_code == 200
    other = api.post("/api/package/save", {**NEW, "entityId": 2}, **{"Idempotency-Key": KEY})
    assert other.status_code == 422 and "Idempotency-Key was sent with another request" in other.json_body
    assert Package.objects.count() == 1


def test_the_key_on_another_route_is_422_and_does_nothing(api, make_package):
    package = make_package()
    assert api.post("/api/package/approve", {"id": package.pk}, **{"Idempotency-Key": KEY}).status_code == 200
    other = api.post("/api/package/reject", {"id": package.pk}, **{"Idempotency-Key": KEY})
    assert other.status_code == 422
    assert Package.objects.get(pk=package.pk).state == "Approved"


@pytest.mark.parametrize("key", ["k" * 255, '"draft-style, quoted"', "a b"])
def test_a_key_of_visible_ascii_is_taken_as_sent(api, key):
    assert api.post("/api/package/save", NEW, **{"Idempotency-Key": key}).status_code == 200
    assert api.post("/api/package/save", NEW, **{"Idempotency-Key": key})["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().key == key


def test_the_route_s_spelling_is_the_same_request(api):
    first = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    again = api.post("/API/Package/SAVE/", NEW, **{"Idempotency-Key": KEY})
    assert again.status_code == 200 and again.content == first.content


def test_two_users_with_one_key_each_act_for_themselves():
    alice, bob = signed_in("alice"), signed_in("bob")
    for_alice = alice.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    for_bob = bob.post("/api/package/save", {**NEW, "entityId": 2}, **{"Idempotency-Key": KEY})
    assert for_alice.status_code == for_bob.status_code == 200
    assert for_alice.json_body["data"]["submittedBy"] == "alice" and for_bob.json_body["data"]["submittedBy"] == "bob"
    assert Package.objects.count() == 2
    assert set(IdempotencyKey.objects.values_list("caller", flat=True)) == {
        f"user:{User.objects.get(username=name).pk}" for name in ("alice", "bob")
    }


def test_a_node_s_key_is_its_own_and_per_user_it_acts_for(api, settings):
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]
    node = {"Authorization": "Bearer proposals:s3cret", "Idempotency-Key": KEY}
    for_alice = api.post("/gateway/submitPackage", NEW, **node, **{"X-On-Behalf-Of": "alice"})
    for_bob = api.post("/gateway/submitPackage", {**NEW, "entityId": 2}, **node, **{"X-On-Behalf-Of": "bob"})
    again_for_alice = api.post("/gateway/submitPackage", NEW, **node, **{"X-On-Behalf-Of": "alice"})
    assert [answer.status_code for answer in (for_alice, for_bob, again_for_alice)] == [200, 200, 200]
    assert again_for_alice.content == for_alice.content and Package.objects.count() == 2
    assert IdempotencyKey.objects.filter(caller="service:proposals/alice").count() == 1


def test_an_expired_key_acts_again(api, settings):
    settings.DD_IDEMPOTENCY_TTL = 60
    assert api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY}).status_code == 200
    IdempotencyKey.objects.update(date_created=IdempotencyKey.objects.get().date_created - timedelta(seconds=61))
    again = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    assert again.status_code == 400 and "already has an active package" in again.json_body  # it acted
    assert IdempotencyKey.objects.get().status == 400  # the new answer replaced the expired one


def test_a_server_error_is_not_stored_and_the_retry_acts(api, receiver):
    def crash(sender, entity, **kwargs):
        raise RuntimeError("a bug after the write")

    receiver(signals.after_save, crash)
    failed = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    assert failed.status_code == 500 and failed.json_body["type"] == "ServerError"
    assert not IdempotencyKey.objects.exists() and not Package.objects.exists() and events() == []
    signals.after_save.disconnect(crash, sender=Package)
    again = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    assert again.status_code == 200 and not again.has_header("Idempotent-Replayed")
    assert Package.objects.count() == 1


def test_an_answer_that_cannot_be_stored_undoes_the_command(api, monkeypatch):
    def full_disk(self, status, body):
        raise DatabaseError("disk full")

    monkeypatch.setattr(IdempotentCall, "store", full_disk)
    failed = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    assert failed.status_code == 500
    assert not Package.objects.exists() and events() == []  # the effect went with the answer: one transaction


def test_a_second_request_while_the_first_is_answered_is_409(api, receiver):
    during = []

    def retry_meanwhile(sender, entity, **kwargs):  # prepare_save: the first request is being answered
        during.append(JsonClient().post("/api/package/save", NEW, **{"Idempotency-Key": KEY}))

    receiver(signals.prepare_save, retry_meanwhile)
    first = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
    assert first.status_code == 200
    assert during[0].status_code == 409 and "still being answered" in during[0].json_body
    assert Package.objects.count() == 1
    signals.prepare_save.disconnect(retry_meanwhile, sender=Package)
    assert api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})["Idempotent-Replayed"] == "true"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="across processes the key is held by PostgreSQL")
def test_on_postgresql_a_key_another_process_answers_is_409(api):
    other = connections.create_connection(DEFAULT_DB_ALIAS)  # another session, as another process would have
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [advisory_lock_id("anonymous", KEY)])
        refused = api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY})
        assert refused.status_code == 409 and not Package.objects.exists()
    finally:
        other.close()  # the session goes, and its lock with it
    assert api.post("/api/package/save", NEW, **{"Idempotency-Key": KEY}).status_code == 200


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there", "caf\u00e9", "\u00a0nbsp"])
def test_a_key_that_is_empty_too_long_or_not_visible_ascii_is_400(api, key):
    refused = api.post("/api/package/save", NEW, **{"Idempotency-Key": key})
    assert refused.status_code == 400
    assert "Idempotency-Key must be 1 to 255 visible ASCII characters" in refused.json_body
    assert not Package.objects.exists()


def test_reads_and_validation_ignore_the_key(api, make_package):
    make_package()
    for _ in range(2):
        assert api.get("/api/package/get", **{"Idempotency-Key": KEY}).status_code == 200
        assert api.post("/api/package/validate", {**NEW, "entityId": 5}, **{"Idempotency-Key": KEY}).status_code == 200
    assert not IdempotencyKey.objects.exists()


def test_prune_deletes_the_expired_answers_only(api, settings):
    settings.DD_IDEMPOTENCY_TTL = 60
    api.post("/api/package/save", NEW, **{"Idempotency-Key": "old"})
    IdempotencyKey.objects.update(date_created=IdempotencyKey.objects.get().date_created - timedelta(seconds=61))
    api.post("/api/package/save", {**NEW, "entityId": 2}, **{"Idempotency-Key": "new"})
    out = io.StringIO()
    call_command("prune_idempotency_keys", stdout=out)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert "Deleted 1 expired idempotency key" in out.getvalue()


def test_a_page_of_an_allowed_origin_may_send_the_key_and_read_the_replay(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example"]
    preflight = api.client.options(
        "/api/package/save",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )
    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]
    saved = api.post("/api/package/save", NEW, Origin="https://app.example", **{"Idempotency-Key": KEY})
    assert saved["Access-Control-Expose-Headers"] == "Idempotent-Replayed"
