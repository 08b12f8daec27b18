"""EventListener against a fake hub (no network): replay, duplicates, gaps, Sync, retries, parking, resync, backoff."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from channels.db import database_sync_to_async  # closes its connection after each call

from distributed_core.events.listeners import EventListener, resync
from distributed_core.events.listeners import listener as listener_module
from distributed_core.events.listeners.listener import LISTENER_HEADER
from distributed_core.models import DeadLetter, Event, ListenerCursor

from .fake_hub import FakeHub
from .testapp.models import Note
from .testapp.sagas import NoteSaga

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.anyio]

SOURCE = "remote/note"


@pytest.fixture
def anyio_backend():
    return "asyncio"


def make_listener(hub: FakeHub, saga: NoteSaga | None = None, **options) -> EventListener:
    options = {"initial_backoff": 0.01, "max_backoff": 0.05, "retry_backoff": 0.01, **options}
    return EventListener(
        SOURCE, "ws://remote.test/events/note", saga or NoteSaga(), name="core", connect=hub.connect, **options
    )


@contextlib.asynccontextmanager
async def running(listener: EventListener):
    task = asyncio.create_task(listener.run())
    try:
        yield listener
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def eventually(condition, timeout: float = 10.0, message: str = "condition"):
    """Poll `condition` (it may read the database) until it holds, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = await database_sync_to_async(condition)()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not reached within {timeout} s")
        await asyncio.sleep(0.01)


def cursor() -> ListenerCursor:
    return ListenerCursor.objects.filter(source=SOURCE).first() or ListenerCursor(source=SOURCE)


def at(seq: int):
    return lambda: cursor().seq == seq


def copied() -> list[int]:
    return sorted(Note.objects.values_list("remote_id", flat=True))


async def connected(hub: FakeHub, listener: EventListener) -> None:
    """Wait until the listener is connected and its first Replay has been answered."""
    await eventually(lambda: hub.live and not listener.replaying and cursor().connected, message="connected")


async def test_on_connect_it_invokes_sync_then_replays_everything_after_its_cursor():
    hub = FakeHub()
    for number in range(5):
        hub.add({"title": f"note {number}"})
    async with running(make_listener(hub)):
        await eventually(at(5), message="cursor at 5")
    assert await database_sync_to_async(copied)() == [101, 102, 103, 104, 105]
    (sync, _, headers), (replay, since, _) = hub.invocations[:2]
    assert (sync, replay, since) == ("Sync", "Replay", [0])
    assert headers[LISTENER_HEADER] == "core"  # how an open hub knows whose position it records


async def test_each_event_counts_once_however_often_it_arrives():
    hub = FakeHub()
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        hub.add()
        hub.add()
        await eventually(at(2))
        hub.deliver(1)
        hub.deliver(2)
        hub.add()
        await eventually(at(3))
    assert await database_sync_to_async(copied)() == [101, 102, 103]
    assert await database_sync_to_async(Event.objects.filter(hub="note").count)() == 3  # the saga announced each once


async def test_a_gap_in_live_events_is_filled_by_a_replay():
    hub = FakeHub()
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        hub.add(publish=False)  # never delivered live
        hub.add()  # seq 2 arrives: the listener sees it skipped seq 1
        await eventually(at(2), message="the gap filled")
    assert await database_sync_to_async(copied)() == [101, 102]
    assert [since for method, since, _ in hub.invocations if method == "Replay"] == [[0], [0]]


async def test_out_of_order_deliveries_in_one_batch_need_no_replay():
    hub = FakeHub()
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        hub.add(publish=False)
        hub.add(publish=False)
        hub.deliver(2)
        hub.deliver(1)
        hub.sync()
        await eventually(at(2))
    assert await database_sync_to_async(copied)() == [101, 102]


async def test_a_sync_ahead_of_the_cursor_replays_a_lost_publish():
    hub = FakeHub()
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        hub.add(publish=False)  # committed, but its publish was lost
        hub.sync()
        await eventually(at(1), message="the lost event replayed")
    assert await database_sync_to_async(copied)() == [101]


async def test_the_sync_result_on_connect_gives_the_lag_while_an_event_is_retried():
    hub = FakeHub()
    hub.add()
    hub.add()
    hub.add()
    saga = NoteSaga()
    saga.flaky[2] = 1000  # keeps failing: the listener keeps retrying it
    listener = make_listener(hub, saga, max_attempts=1000, retry_backoff=0.02)
    async with running(listener):
        row = await eventually(lambda: (row := cursor()).seq == 1 and row.hub_seq == 3 and row, message="lag 2")
        assert row.lag == 2
        assert "seq 2 OnAdd: RuntimeError: flaky failure on 2 (attempt" in row.last_error


async def test_a_hub_without_sync_still_works():
    hub = FakeHub(answers_sync=False)
    hub.add()
    async with running(make_listener(hub)):
        await eventually(at(1))
        await eventually(lambda: cursor().connected and cursor().last_error == "")


async def test_a_poison_event_is_retried_with_growing_pauses_then_parked_and_the_listener_moves_on():
    hub = FakeHub()
    hub.add({"title": "fine"})
    hub.add({"poison": True})
    hub.add({"title": "after"})
    saga = NoteSaga()
    async with running(make_listener(hub, saga, max_attempts=4, retry_backoff=0.05)):
        await eventually(at(3), message="the cursor past the poison event")
        assert "parked seq 2" in (await database_sync_to_async(cursor)()).last_error
    letter = await database_sync_to_async(DeadLetter.objects.get)(source=SOURCE, seq=2)
    assert (letter.state, letter.attempts, letter.target) == ("parked", 4, "OnAdd")
    assert "RuntimeError: poisoned event 2" in letter.error and letter.event["data"] == {"poison": True}
    assert await database_sync_to_async(copied)() == [101, 103]  # the poison event's own writes rolled back
    pauses = [later - earlier for earlier, later in zip(saga.tries[2], saga.tries[2][1:], strict=False)]
    assert len(pauses) == 3 and all(pause >= 0.9 * 0.05 * 2**n for n, pause in enumerate(pauses)), pauses
    assert saga.tries[3][0] > saga.tries[2][-1]  # the next event waited behind it


async def test_an_event_that_works_on_a_retry_is_applied_once_and_not_parked():
    hub = FakeHub()
    for _ in range(3):
        hub.add()
    saga = NoteSaga()
    saga.flaky[2] = 2
    async with running(make_listener(hub, saga, max_attempts=5)):
        await eventually(at(3))
    assert await database_sync_to_async(copied)() == [101, 102, 103]
    assert len(saga.tries[2]) == 2  # two failed tries on its own; the third went through with its batch
    assert not await database_sync_to_async(DeadLetter.objects.exists)()


async def test_a_pruned_gap_says_needs_resync_and_stops_asking_until_resynced():
    hub = FakeHub()
    for _ in range(6):
        hub.add()
    hub.prune(through=4)
    listener = make_listener(hub)
    async with running(listener):
        row = await eventually(lambda: (row := cursor()).needs_resync and row, message="needs resync")
        assert "the hub no longer has events 1..4" in row.last_error and "--to 4" in row.last_error
        replays = hub.count("Replay")
        hub.add()  # seq 7, live: still past the hole
        hub.sync()
        hub.sync()
        await eventually(lambda: cursor().hub_seq == 7, message="the syncs seen")
        assert hub.count("Replay") == replays  # no silent replay loop
        assert (await database_sync_to_async(cursor)()).seq == 0

        await database_sync_to_async(resync)(SOURCE, 4)  # an operator reconciled the data up to seq 4
        hub.sync()
        await eventually(at(7), message="caught up after the resync")
    assert await database_sync_to_async(copied)() == [105, 106, 107]
    assert not (await database_sync_to_async(cursor)()).needs_resync


async def test_a_log_pruned_up_to_its_end_is_noticed_at_the_next_sync():
    hub = FakeHub()
    for _ in range(3):
        hub.add()
    hub.prune(through=3)  # nothing after the cursor (0) is left to replay, though the hub is at 3
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        hub.sync()
        row = await eventually(lambda: (row := cursor()).needs_resync and row, message="needs resync")
    assert "the hub no longer has events 1..3" in row.last_error and "--to 3" in row.last_error


async def test_it_reconnects_with_growing_capped_backoff():
    hub = FakeHub()
    hub.refusals = 4
    hub.add()
    listener = make_listener(hub, initial_backoff=0.02, max_backoff=0.1)
    async with running(listener):
        await eventually(at(1), message="connected after the refusals")
        await eventually(lambda: cursor().connected and cursor().last_error == "")
    pauses = [later - earlier for earlier, later in zip(hub.attempts, hub.attempts[1:], strict=False)]
    expected = [0.02, 0.04, 0.08, 0.1]
    assert len(pauses) == 4 and all(pause >= 0.9 * wait for pause, wait in zip(pauses, expected, strict=True)), pauses


async def test_a_dropped_connection_reconnects_and_replays_from_its_cursor():
    hub = FakeHub()
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        for _ in range(3):
            hub.add()
        await eventually(at(3))
        hub.live[0].drop()
        hub.add()  # while no connection is open
        hub.add()
        await eventually(at(5), message="caught up after the reconnect")
    assert await database_sync_to_async(copied)() == [101, 102, 103, 104, 105]
    assert [3] in [since for method, since, _ in hub.invocations if method == "Replay"]


async def test_a_hub_closing_to_restart_is_reconnected_to_at_once_and_replayed_from_the_cursor():
    hub = FakeHub()
    listener = make_listener(hub, initial_backoff=5.0, max_backoff=5.0)  # a backoff would show
    async with running(listener):
        await connected(hub, listener)
        hub.add()
        hub.add()
        await eventually(at(2))
        hub.live[0].restart()  # {"type":7,"allowReconnect":true}, then the socket closes
        hub.add(publish=False)  # while no connection is open
        await eventually(at(3), timeout=2.0, message="reconnected and replayed without a backoff")
        assert len(hub.attempts) == 2 and hub.attempts[1] - hub.attempts[0] < 2.0
        hub.live[0].restart()  # a second restart in a row: this one backs off (a hub closing every connection)
        await eventually(lambda: cursor().last_error == "disconnected", message="backing off")
        assert len(hub.attempts) == 2 and not hub.live
    assert await database_sync_to_async(copied)() == [101, 102, 103]
    assert [2] in [since for method, since, _ in hub.invocations if method == "Replay"]


@pytest.fixture
def batches(monkeypatch) -> list[int]:
    """The size of every batch the listener applies (each one transaction)."""
    sizes: list[int] = []
    apply_batch = listener_module.apply_batch

    def counting(source, deliveries, *args):
        sizes.append(len(deliveries))
        return apply_batch(source, deliveries, *args)

    monkeypatch.setattr(listener_module, "apply_batch", counting)
    return sizes


async def test_a_replay_is_applied_a_batch_per_transaction(batches):
    hub = FakeHub()
    for _ in range(1000):
        hub.add()
    async with running(make_listener(hub, batch_size=100)):
        await eventually(at(1000), timeout=30)
    assert sum(batches) == 1000 and len(batches) <= 20, batches
    assert await database_sync_to_async(Note.objects.count)() == 1000


async def test_live_events_faster_than_a_transaction_are_pipelined_into_batches(batches):
    hub = FakeHub()
    listener = make_listener(hub)
    async with running(listener):
        await connected(hub, listener)
        for _ in range(300):
            hub.add()
        await eventually(at(300), timeout=30)
    assert sum(batches) == 300 and len(batches) <= 30, batches
