"""The hubs' defences, each on its own: strict records, token buckets, the connection cap, bounded outboxes."""

from __future__ import annotations

import asyncio
import json

import pytest

from distributed_core.events.hubs import rates
from distributed_core.events.hubs.capacity import SERVER_SEND, HubConnectionCap
from distributed_core.events.hubs.fanout import Outbox
from distributed_core.events.protocol import RS, MessageType, ProtocolError, check_record, decode


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ('{"a":' * 10000 + "1" + "}" * 10000 + RS, "nested too deeply"),
        ("[" * 100_000 + "]" * 100_000 + RS, "nested too deeply"),
        ('{"n": ' + "9" * 5000 + "}" + RS, "a number with too many digits"),
        ("[1]" + RS, "expected a JSON object"),
        ("null" + RS, "expected a JSON object"),
        ("{" + RS, "Malformed record"),
        ("{}", "Incomplete record"),
    ],
)
def test_a_frame_that_is_no_list_of_objects_is_a_protocol_error(frame, reason):
    with pytest.raises(ProtocolError, match=reason):
        decode(frame)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({}, "'type' must be an integer, not None"),
        ({"type": "1"}, "'type' must be an integer"),
        ({"type": True}, "'type' must be an integer"),
        ({"type": 1.0}, "'type' must be an integer"),
        ({"type": 99}, "Unknown message type: 99"),
        ({"type": 1, "arguments": []}, "invocation without 'target'"),
        ({"type": 1, "target": 5}, "'target' must be a string"),
        ({"type": 1, "target": "Ping", "arguments": {}}, "'arguments' must be a list"),
        ({"type": 1, "target": "Ping", "invocationId": 5}, "'invocationId' must be a string"),
        ({"type": 3}, "completion without 'invocationId'"),
        ({"type": 7, "allowReconnect": "yes"}, "'allowReconnect' must be a boolean"),
    ],
)
def test_a_record_with_a_field_of_the_wrong_type_is_a_protocol_error(record, reason):
    with pytest.raises(ProtocolError, match=reason):
        check_record(record)


def test_records_the_protocol_allows_pass():
    assert check_record({"type": 1, "target": "Ping"}) is MessageType.INVOCATION
    assert check_record({"type": 1, "target": "Replay", "arguments": [0], "invocationId": "1"}) == 1
    assert check_record({"type": 3, "invocationId": "1", "result": {"any": ["thing"]}}) == 3
    assert check_record({"type": 6}) is MessageType.PING
    assert check_record({"type": 7, "error": None}) is MessageType.CLOSE


class Clock:
    """Stands in for time.monotonic in `rates`."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(rates.time, "monotonic", fake)
    return fake


def test_a_bucket_allows_its_burst_then_its_rate(clock):
    bucket = rates.TokenBucket(rate=2, burst=3)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.now += 0.5  # one token back
    assert [bucket.take(), bucket.take()] == [True, False]
    clock.now += 60  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def test_ping_broadcasts_share_one_bucket_per_hub(clock, settings):
    settings.DD_HUB_PING_BROADCAST_RATE = (1, 2)
    assert [rates.ping_broadcast_allowed("h") for _ in range(3)] == [True, True, False]
    assert rates.ping_broadcast_allowed("other")
    clock.now += 1
    assert rates.ping_broadcast_allowed("h") and not rates.ping_broadcast_allowed("h")


class Socket:
    """One WebSocket scope through HubConnectionCap, recording what the cap sent and passed on."""

    def __init__(self, extensions: dict | None = None) -> None:
        self.scope = {"type": "websocket", "extensions": extensions or {}}
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        return {"type": "websocket.connect"}

    async def send(self, message: dict) -> None:
        self.sent.append(message)


def test_connections_beyond_the_cap_are_refused_with_503_and_the_rest_pass(settings):
    settings.DD_HUB_MAX_CONNECTIONS = 2
    release = asyncio.Event()
    admitted: list[dict] = []

    async def hub(scope, receive, send) -> None:
        admitted.append(scope)
        await release.wait()

    async def scenario() -> None:
        cap = HubConnectionCap(hub)
        first, second = Socket(), Socket()
        running = [asyncio.create_task(cap(s.scope, s.receive, s.send)) for s in (first, second)]
        await asyncio.sleep(0)
        refused, plain = Socket({"websocket.http.response": {}}), Socket()
        await cap(refused.scope, refused.receive, refused.send)
        await cap(plain.scope, plain.receive, plain.send)
        start, body = refused.sent
        assert start["status"] == 503 and (b"content-type", b"application/json") in start["headers"]
        assert json.loads(body["body"]) == "This node holds at most 2 hub connections: try again later"
        assert plain.sent == [{"type": "websocket.close"}]  # no denial extension: a close before accept (403)
        release.set()
        await asyncio.gather(*running)
        assert cap.open == 0 and len(admitted) == 2
        assert admitted[0][SERVER_SEND] == first.send  # the server's own send, for the fan-out's frames

    asyncio.run(scenario())


def test_an_outbox_sends_what_queued_up_in_one_frame_and_overflows_at_its_limit(settings):
    settings.DD_HUB_MAX_PENDING = 3

    async def scenario() -> None:
        frames: list[str] = []
        overflows: list[str] = []
        blocked = asyncio.Event()

        async def send(text: str) -> None:
            frames.append(text)
            await blocked.wait()  # a client that stopped reading

        outbox = Outbox(send, overflows.append)
        for record in ("a", "b"):
            outbox.post(record)
        outbox.start()
        await asyncio.sleep(0)
        assert frames == ["ab"]
        for record in ("c", "d", "e", "f"):
            outbox.post(record)
        assert overflows == ["Too slow: 3 records were waiting for this connection"]
        outbox.close()
        await asyncio.sleep(0)
        assert outbox.writer.cancelled()

    asyncio.run(scenario())
