"""The hub's side: which listener replayed how far, pruning that respects it, and what /events/status shows."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import re_path
from django.utils import timezone

from distributed_core.events.hubs import EventHubConsumer
from distributed_core.events.hubs.positions import listener_name, record_position
from distributed_core.events.log import prune_floor, record_event
from distributed_core.events.status import events_status
from distributed_core.models import DeadLetter, Event, ListenerCursor, ListenerPosition
from distributed_core.testing import WebsocketClient

pytestmark = pytest.mark.django_db(transaction=True)

RS = "\x1e"


def scope(headers: dict[str, str], query: str = "") -> dict:
    return {"headers": [(k.encode(), v.encode()) for k, v in headers.items()], "query_string": query.encode()}


def test_a_listener_is_named_by_its_valid_credential(settings):
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]
    assert listener_name(scope({"authorization": "Bearer proposals:s3cret", "x-dd-listener": "other"})) == "proposals"
    assert listener_name(scope({}, "access_token=proposals:s3cret")) == "proposals"
    assert listener_name(scope({"origin": "http://127.0.0.1:5001"})) == ""  # a browser


@pytest.mark.parametrize("open_node", [True, False])
def test_with_service_tokens_the_header_names_nobody(settings, open_node):
    settings.DD_SERVICE_TOKENS = ["proposals:s3cret"]
    settings.DD_ALLOW_ANONYMOUS = open_node
    assert listener_name(scope({"authorization": "Bearer forged:s3cret", "x-dd-listener": "invoices"})) == ""
    assert listener_name(scope({"x-dd-listener": "proposals"})) == ""  # a signed-in viewer cannot pose as it


def test_a_closed_node_without_service_tokens_takes_no_header(settings):
    settings.DD_SERVICE_TOKENS = []
    settings.DD_ALLOW_ANONYMOUS = False
    assert listener_name(scope({"x-dd-listener": "proposals"})) == ""


def test_only_an_open_gateway_names_a_listener_by_its_header(settings):
    settings.DD_SERVICE_TOKENS = []
    settings.DD_ALLOW_ANONYMOUS = True  # nobody has a credential here
    assert listener_name(scope({"x-dd-listener": "proposals"})) == "proposals"
    assert listener_name(scope({"x-dd-listener": "bad\x00name"})) == ""


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_a_listeners_replay_records_its_position(settings, anyio_backend):
    settings.DD_ALLOW_ANONYMOUS = True  # an open node without SERVICE_TOKENS: the header names the listener
    router = URLRouter([re_path(r"^events/(?P<hub>[\w-]+)/?$", EventHubConsumer.as_asgi())])

    async def replay(since: int, headers: list[tuple[bytes, bytes]]) -> None:
        client = WebsocketClient(router, "/events/note", headers=headers)
        assert await client.connect()
        await client.send_text(json.dumps({"protocol": "json", "version": 1}) + RS)
        assert await client.receive_text() == "{}" + RS
        invocation = {"type": 1, "invocationId": "1", "target": "Replay", "arguments": [since]}
        await client.send_text(json.dumps(invocation) + RS)
        while '"type":3' not in (await client.receive_text()):
            pass  # the replayed events, then the completion
        await client.disconnect()

    await replay(4, [(b"x-dd-listener", b"proposals")])
    await replay(9, [(b"x-dd-listener", b"proposals")])
    await replay(2, [])  # a browser: not recorded
    positions = await database_sync_to_async(
        lambda: list(ListenerPosition.objects.values_list("hub", "listener", "seq"))
    )()
    assert positions == [("note", "proposals", 9)]


def log_events(count: int, hub: str = "note", days_old: int = 40) -> None:
    with transaction.atomic():
        for _ in range(count):
            record_event(hub, "OnAdd", entity_id=1)
    Event.objects.filter(hub=hub).update(date_created=timezone.now() - timedelta(days=days_old))


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune_events", *args, stdout=out)
    return out.getvalue()


def seqs() -> list[int]:
    return list(Event.objects.filter(hub="note").values_list("seq", flat=True))


def test_prune_keeps_every_event_after_the_lowest_listener_position():
    log_events(10)
    record_position("note", "proposals", 7)
    record_position("note", "invoices", 4)
    assert prune_floor("note") == 4
    assert "Would delete 4 event(s)" in prune("--days", "30", "--dry-run") and len(seqs()) == 10
    output = prune("--days", "30")
    assert "Deleted 4 event(s)" in output and "Kept 6 old event(s)" in output
    assert seqs() == [5, 6, 7, 8, 9, 10]
    assert "Deleted 6 event(s)" in prune("--days", "30", "--force") and seqs() == []


def test_prune_without_known_listeners_goes_by_age_only():
    log_events(3)
    log_events(2, hub="other", days_old=0)
    assert "Deleted 3 event(s)" in prune("--days", "30")
    assert Event.objects.filter(hub="other").count() == 2


def test_the_status_shows_lag_parked_events_resync_and_positions(settings):
    settings.DD_ALLOW_ANONYMOUS = True  # an open node: the status needs no caller check here
    log_events(3, days_old=0)
    record_position("note", "proposals", 2)
    ListenerCursor.objects.create(source="remote/note", seq=5, hub_seq=9, connected=True)
    ListenerCursor.objects.create(source="remote/other", seq=1, needs_resync=True, last_error="needs resync: ...")
    for seq in (3, 4):
        DeadLetter.objects.create(source="remote/note", seq=seq, target="OnAdd", event={}, error="boom", attempts=5)
    DeadLetter.objects.create(source="remote/note", seq=1, target="OnAdd", event={}, error="", state="skipped")
    body = json.loads(events_status(RequestFactory().get("/events/status")).content)
    hubs = {hub["hub"]: hub for hub in body["hubs"]}  # every hub this node serves, those without events too
    assert sorted(hubs) == ["a", "b", "note", "other"] and hubs["a"] == {"hub": "a", "lastSeq": 0, "listeners": []}
    assert hubs["note"]["lastSeq"] == 3
    assert [(p["name"], p["seq"]) for p in hubs["note"]["listeners"]] == [("proposals", 2)]
    note, other = body["listeners"]
    assert (note["state"], note["seq"], note["hubSeq"], note["lag"], note["parked"]) == ("connected", 5, 9, 4, 2)
    assert (other["state"], other["needsResync"], other["parked"], other["lag"]) == ("needs resync", True, 0, 0)
