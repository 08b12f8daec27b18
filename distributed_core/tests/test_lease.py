"""One active listener process per source: the lease rows, who takes over when, and what /events/status shows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from distributed_core.events.listeners import ListenerLease
from distributed_core.events.status import events_status
from distributed_core.models import ListenerCursor, ListenerProcess

pytestmark = pytest.mark.django_db

SOURCE = "remote/note"


def age(lease: ListenerLease, seconds: float) -> None:
    """`lease`'s process has not renewed for `seconds` (it was killed, or its host lost)."""
    ListenerProcess.objects.filter(holder=lease.holder).update(heartbeat=timezone.now() - timedelta(seconds=seconds))


def test_the_first_process_is_active_and_the_next_stands_by():
    first, second = ListenerLease(SOURCE, seconds=6), ListenerLease(SOURCE, seconds=6)
    assert first.renew() is True
    assert second.renew() is False
    assert first.renew() is True and second.renew() is False  # renewing changes nothing
    assert list(ListenerProcess.objects.filter(active=True).values_list("holder", flat=True)) == [first.holder]


def test_a_standby_takes_over_once_the_active_lease_runs_out_and_the_old_one_stands_by():
    first, second = ListenerLease(SOURCE, seconds=6), ListenerLease(SOURCE, seconds=6)
    first.renew()
    second.renew()
    age(first, 5)
    assert second.renew() is False  # still within the lease
    age(first, 7)
    assert second.renew() is True
    assert first.renew() is False  # it comes back (a pause): the other one holds the lease now
    assert ListenerProcess.objects.filter(active=True).count() == 1


def test_a_process_that_stops_lets_go_at_once():
    first, second = ListenerLease(SOURCE, seconds=6), ListenerLease(SOURCE, seconds=6)
    first.renew()
    second.renew()
    first.release()
    assert second.renew() is True
    assert not ListenerProcess.objects.filter(holder=first.holder).exists()


def test_sources_have_leases_of_their_own_and_long_gone_processes_are_forgotten():
    a, b = ListenerLease("remote/a", seconds=6), ListenerLease("remote/b", seconds=6)
    assert a.renew() is True and b.renew() is True
    gone, here = ListenerLease(SOURCE, seconds=6), ListenerLease(SOURCE, seconds=6)
    gone.renew()
    age(gone, 61)  # ten leases
    here.renew()
    assert not ListenerProcess.objects.filter(holder=gone.holder).exists()


def test_status_lists_every_process_with_host_pid_role_and_lag(settings):
    settings.DD_ALLOW_ANONYMOUS = True
    ListenerCursor.objects.create(source=SOURCE, seq=7, hub_seq=10, connected=True)
    active, standby, gone = (ListenerLease(SOURCE, seconds=6) for _ in range(3))
    gone.renew()
    age(gone, 7)
    active.renew()
    standby.renew()
    age(gone, 30)
    settings.DD_LISTENER_LEASE_SECONDS = 6
    body = json.loads(events_status(RequestFactory().get("/events/status")).content)
    [listener] = body["listeners"]
    processes = {(p["pid"], p["role"]) for p in listener["processes"]}
    assert len(listener["processes"]) == 3 and {p["lag"] for p in listener["processes"]} == {3}
    assert {role for _, role in processes} == {"active", "standby", "gone"}
    assert all(p["host"] == active.host and p["heartbeatAt"] for p in listener["processes"])
