"""The event log: seq per hub in commit order, nothing left by a rollback, published only after commit."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, transaction

from distributed_core.events.log import group_name, record_event
from distributed_core.events.log.publisher import Publisher, publisher
from distributed_core.models import Event, HubSequence
from distributed_core.wsgi import node_wsgi_application

from .testapp.models import Note

pytestmark = pytest.mark.django_db(transaction=True)


def note(title: str = "a note") -> Note:
    return Note.objects.create(title=title, value="v")


def seqs(hub: str) -> list[int]:
    return list(Event.objects.filter(hub=hub).order_by("seq").values_list("seq", flat=True))


def test_each_hub_counts_its_own_seq_from_one():
    for _ in range(3):
        with transaction.atomic():
            record_event("a", "OnAdd", entity=note())
    with transaction.atomic():
        record_event("b", "OnAdd", entity=note())
        record_event("b", "OnUpdate", entity=note())
    assert (seqs("a"), seqs("b")) == ([1, 2, 3], [1, 2])
    assert dict(HubSequence.objects.values_list("hub", "last_seq")) == {"a": 3, "b": 2}


def test_the_payload_is_the_entitys_wire_shape():
    entity = note("Title")
    with transaction.atomic():
        event = record_event("a", "OnAdd", entity=entity, message="added")
    argument = Event.objects.get(pk=event.pk).as_argument()
    assert argument["id"] == entity.pk and argument["seq"] == 1 and argument["message"] == "added"
    assert argument["data"]["title"] == "Title" and argument["data"]["type"] == "Note"


def test_a_rollback_leaves_no_event_and_no_hole_in_the_seq():
    with transaction.atomic():
        record_event("a", "OnAdd", entity=note())
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("a", "OnAdd", entity=note())
        raise RuntimeError("the change fails after its event was recorded")
    with transaction.atomic():
        record_event("a", "OnAdd", entity=note())
    assert seqs("a") == [1, 2]


def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        record_event("a", "OnAdd", entity=note())
    assert not Event.objects.exists()


def test_concurrent_writers_never_expose_a_gap_a_listener_would_trust():
    """Seq order is commit order: at any moment the committed seqs are exactly 1..N, never N+1 without N."""
    writers, each = 4, 15
    seen: list[list[int]] = []
    done = threading.Event()

    def write() -> None:
        try:
            for _ in range(each):
                with transaction.atomic():
                    record_event("a", "OnAdd", entity_id=1)
                    time.sleep(0.002)  # hold the transaction open a little: writers overlap
        finally:
            connection.close()

    def watch() -> None:
        try:
            while not done.is_set():
                seen.append(seqs("a"))
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    threads = [threading.Thread(target=write) for _ in range(writers)]
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    watcher.join(timeout=60)
    assert seqs("a") == list(range(1, writers * each + 1))
    assert len(seen) > 1 and all(snapshot == list(range(1, len(snapshot) + 1)) for snapshot in seen)


def receive_all(channel: str) -> list[dict]:
    layer = get_channel_layer()

    async def drain() -> list[dict]:
        messages = []
        while True:
            try:
                messages.append(await asyncio.wait_for(layer.receive(channel), 0.2))
            except TimeoutError:
                return messages

    return async_to_sync(drain)()


@pytest.fixture
def subscribed():
    """A channel in the `a` hub's group."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name("a"), channel)
    yield channel
    async_to_sync(layer.group_discard)(group_name("a"), channel)


def test_an_event_is_published_only_once_its_transaction_commits(subscribed):
    with transaction.atomic():
        record_event("a", "OnAdd", entity=note())
        assert receive_all(subscribed) == []
    messages = receive_all(subscribed)
    assert len(messages) == 1 and '"seq":1' in messages[0]["record"] and messages[0]["type"] == "hub.event"
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event("a", "OnAdd", entity=note())
        raise RuntimeError("rolled back")
    assert receive_all(subscribed) == []


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_with_a_bound_loop_the_committing_thread_does_not_wait_and_order_is_kept(anyio_backend, monkeypatch):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name("a"), channel)
    group_send = layer.group_send

    async def slow_group_send(group: str, message: dict) -> None:
        await asyncio.sleep(0.05)  # a busy channel layer: 50 sends take 2.5 s
        await group_send(group, message)

    monkeypatch.setattr(layer, "group_send", slow_group_send)
    publisher.bind(asyncio.get_running_loop())
    try:

        def commit_many() -> float:
            started = time.perf_counter()
            try:
                for _ in range(50):
                    with transaction.atomic():
                        record_event("a", "OnAdd", entity_id=1)
                return time.perf_counter() - started
            finally:
                connection.close()

        elapsed = await sync_to_async(commit_many, thread_sensitive=False)()
        assert elapsed < 1.5, f"50 commits took {elapsed:.2f} s: the committing thread waited for the sends"
        records = [(await asyncio.wait_for(layer.receive(channel), 5))["record"] for _ in range(50)]
    finally:
        publisher.bind(None)
        await layer.group_discard(group_name("a"), channel)
    assert [record.split('"seq":')[1].split(",")[0].split("}")[0] for record in records] == [
        str(seq) for seq in range(1, 51)
    ]


def test_without_a_server_loop_a_wsgi_process_publishes_from_a_loop_thread_of_its_own(monkeypatch):
    layer = get_channel_layer()
    sent: list[tuple[str, int]] = []

    async def slow_group_send(group: str, message: dict) -> None:
        await asyncio.sleep(0.02)  # a busy channel layer: 50 sends take a second
        sent.append((threading.current_thread().name, message["n"]))

    monkeypatch.setattr(layer, "group_send", slow_group_send)
    own = Publisher()
    own.use_own_loop()  # what distributed_core.wsgi.node_wsgi_application does for the process's publisher
    started = time.perf_counter()
    for n in range(50):
        own.publish(group_name("a"), {"type": "hub.event", "n": n})
    assert time.perf_counter() - started < 0.5, "the publishing thread waited for the sends"
    deadline = time.monotonic() + 10
    while len(sent) < 50:
        assert time.monotonic() < deadline, f"only {len(sent)} of 50 sent"
        time.sleep(0.01)
    assert sent == [("publisher", n) for n in range(50)]  # in order, all from the one loop thread
    own.own_loop.call_soon_threadsafe(own.own_loop.stop)


@pytest.mark.parametrize("shared", [True, False])
def test_the_wsgi_application_of_a_node_publishes_through_a_shared_layer_only(shared, monkeypatch, settings):
    settings.DEBUG = False
    monkeypatch.setattr(publisher, "own_loop_wanted", False)
    monkeypatch.setattr(publisher, "nowhere", False)
    if shared:  # a layer of another kind than the in-memory one, as channels-redis is
        monkeypatch.setattr("channels.layers.get_channel_layer", lambda: object())
    application = node_wsgi_application()
    assert callable(application)
    assert (publisher.own_loop_wanted, publisher.nowhere) == ((True, False) if shared else (False, True))
