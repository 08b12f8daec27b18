"""A followed hub's head (`/events/<hub>/head`) and the listener lag `/metrics` reads from it, or falls back from."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest

from distributed_core.events.log import record_event
from distributed_core.events.status import hub_head
from distributed_core.models import Event, ListenerCursor
from distributed_core.observability.metrics import ListenerCollector

pytestmark = pytest.mark.django_db(transaction=True)


def head(hub: str, query: str = "", **headers: str):
    return hub_head(RequestFactory().get(f"/events/{hub}/head{query}", **headers), hub=hub)


def append(count: int, minutes_old: int = 0) -> None:
    with transaction.atomic():
        for _ in range(count):
            record_event("note", "OnAdd", entity_id=1)
    Event.objects.filter(hub="note").update(date_created=timezone.now() - timedelta(minutes=minutes_old))


def test_the_head_tells_the_last_seq_and_how_far_behind_a_cursor_is(settings):
    settings.DD_ALLOW_ANONYMOUS = True
    assert json.loads(head("note").content) == {"hub": "note", "lastSeq": 0}
    append(5, minutes_old=3)
    body = json.loads(head("note", "?after=2").content)
    assert (body["lastSeq"], body["after"], body["behind"]) == (5, 2, 3)
    assert 175 < body["oldestSeconds"] < 200  # the first event after seq 2 is three minutes old
    caught_up = json.loads(head("note", "?after=5").content)
    assert (caught_up["behind"], caught_up["oldestSeconds"]) == (0, None)


@pytest.mark.parametrize("after", ["-1", "x", "1.5", "9" * 19, "\u0663"])
def test_a_bad_cursor_is_a_400_and_an_unknown_hub_a_404(settings, after):
    settings.DD_ALLOW_ANONYMOUS = True
    answer = head("note", f"?after={after}")
    assert answer.status_code == 400 and "after" in json.loads(answer.content)["message"]
    assert head("nohub").status_code == 404


def test_a_closed_node_answers_the_head_to_a_service_credential_only(settings):
    settings.DD_ALLOW_ANONYMOUS = False
    settings.DD_SERVICE_TOKENS = ["proposals:" + "s" * 32]
    assert head("note").status_code == 401
    assert head("note", HTTP_AUTHORIZATION="Bearer proposals:" + "s" * 32).status_code == 200


def scrape() -> dict[str, float]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ListenerCollector())
    samples = {}
    for line in generate_latest(registry).decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again once this returns: nothing listens there


def test_an_unreachable_source_leaves_the_lag_as_last_heard(settings):
    settings.DD_GATEWAYS = {"remote": {"url": f"http://127.0.0.1:{closed_port()}"}}
    settings.DD_LISTENERS = [{"source": "remote", "hub": "note", "saga": "testapp.sagas.NoteSaga"}]
    ListenerCursor.objects.create(source="remote/note", seq=5, hub_seq=9, connected=False)
    samples = scrape()
    assert samples['dd_listener_source_up{source="remote/note"}'] == 0
    assert samples['dd_listener_lag_events{source="remote/note"}'] == 4
    assert samples['dd_listener_lag_seconds{source="remote/note"}'] >= 0
    assert samples['dd_listener_connected{source="remote/note"}'] == 0
