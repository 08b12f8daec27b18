"""Hubs survive abuse (issue 10): against a real proposals node, a malformed record gets a close
message with the reason and a complete disconnect; a silent socket meets the handshake timeout;
connections beyond the cap are refused before accept; one client's Ping storm does not flood the
others; and 1,000 hostile connections leave the node's memory where it was."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from .client import Api
from .hostile import (
    REFUSED,
    RS,
    handshake,
    invocation,
    open_connections,
    records_until_closed,
    rss_kib,
    run_hostile,
    run_many,
    upgrade_status,
)
from .nodes import NodeProcess, Suite, wait_until
from .test_cross_node_http import create_proposal

HANDSHAKE_TIMEOUT = 1.0
MAX_CONNECTIONS = 3


@contextlib.contextmanager
def proposals_alone(tmp: Path, settings: dict[str, str]) -> Iterator[NodeProcess]:
    """A proposals node without its workflows peer, run with `settings` (environment variables)."""
    suite = Suite(tmp, extra_env=settings)
    try:
        suite.proposals.migrate()
        yield suite.proposals.start()
    finally:
        suite.stop()


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[NodeProcess]:
    """A proposals node whose hub times a handshake out after HANDSHAKE_TIMEOUT seconds."""
    with proposals_alone(tmp_path_factory.mktemp("abuse"), {"HUB_HANDSHAKE_TIMEOUT": str(HANDSHAKE_TIMEOUT)}) as node:
        yield node


@pytest.fixture(scope="module")
def hub_url(node) -> str:
    return f"{node.url.replace('http', 'ws')}/events/proposal"


def released(node: NodeProcess) -> bool:
    """Whether the node holds no client connection any more (every hostile one let go)."""
    return open_connections(node.process.pid, node.port) == 0


async def bystander_then(hub_url: str, misbehave) -> tuple[list[dict], list[dict]]:
    """Run `misbehave()` while a bystander is connected; what misbehave returned, what the bystander got."""
    async with connect(hub_url) as bystander:
        await handshake(bystander)
        result = await misbehave()
        await bystander.send(invocation("Ping", [], "probe"))
        got: list[dict] = []
        async with asyncio.timeout(10):
            while not any(record.get("invocationId") == "probe" for record in got):
                got += [json.loads(raw) for raw in (await bystander.recv()).split(RS) if raw]
        return result, got


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_malformed_record_gets_a_close_message_with_the_reason(hub_url, kind):
    said, bystander_got = asyncio.run(bystander_then(hub_url, lambda: run_hostile(hub_url, kind)))
    [close] = said
    if REFUSED[kind][0]:  # after the handshake: a close message
        assert close["type"] == 7 and close["error"] and "allowReconnect" not in close
    else:  # in the handshake: a handshake error
        assert set(close) == {"error"} and close["error"]
    assert {"type": 3, "invocationId": "probe"} in bystander_got  # the bystander carries on


@pytest.mark.parametrize(
    ("header", "status"),
    # a credential that is no credential is refused like a wrong one (hub admission): a 403, never a 500
    [(b"Origin: http://\xff", 403), (b"Authorization: Bearer \xff", 403), (b"Cookie: sessionid=\xff", 101)],
    ids=["origin", "authorization", "cookie"],
)
def test_header_bytes_that_are_no_utf8_are_never_a_500(node, header, status):
    assert upgrade_status(node.port, b"/events/proposal", header + b"\r\n") == status


def test_the_deep_record_is_refused_as_too_deep(hub_url):
    [close] = asyncio.run(run_hostile(hub_url, "deep-nesting"))
    assert "nested" in close["error"]


def test_a_silent_client_meets_the_handshake_timeout(hub_url):
    async def scenario() -> tuple[float, list[dict]]:
        async with connect(hub_url) as ws:
            started = time.monotonic()
            said = await records_until_closed(ws, timeout=HANDSHAKE_TIMEOUT + 5)
            return time.monotonic() - started, said

    waited, said = asyncio.run(scenario())
    assert HANDSHAKE_TIMEOUT * 0.8 <= waited < HANDSHAKE_TIMEOUT + 3
    assert said == [{"error": f"Handshake not received within {HANDSHAKE_TIMEOUT:g} s"}]


def test_connections_beyond_the_cap_are_refused_before_accept(tmp_path):
    async def scenario() -> None:
        opened = []
        try:
            for _ in range(MAX_CONNECTIONS):
                ws = await connect(hub_url)
                opened.append(ws)
                await handshake(ws)
            with pytest.raises(InvalidStatus) as refused:
                await connect(hub_url)
            assert refused.value.response.status_code == 503
            assert "at most" in json.loads(refused.value.response.body)
            await opened.pop().close()

            async def accepted() -> bool:
                try:
                    async with connect(hub_url) as ws:
                        await handshake(ws)
                        return True
                except InvalidStatus:
                    return False

            async with asyncio.timeout(10):
                while not await accepted():
                    await asyncio.sleep(0.05)
        finally:
            for ws in opened:
                await ws.close()

    with proposals_alone(tmp_path, {"HUB_MAX_CONNECTIONS": str(MAX_CONNECTIONS)}) as capped:
        hub_url = f"{capped.url.replace('http', 'ws')}/events/proposal"
        asyncio.run(scenario())


def test_a_ping_storm_does_not_flood_the_others(hub_url):
    storm = 200

    async def scenario() -> tuple[list[dict], list[dict], float]:
        async with connect(hub_url) as bystander, connect(hub_url) as stormer:
            await handshake(bystander)
            await handshake(stormer)
            started = time.monotonic()
            await stormer.send("".join(invocation("Ping", [], str(number)) for number in range(storm)))
            answers: list[dict] = []
            async with asyncio.timeout(10):
                while sum(record.get("type") == 3 for record in answers) < storm:
                    answers += [json.loads(raw) for raw in (await stormer.recv()).split(RS) if raw]
            seen: list[dict] = []
            await bystander.send(invocation("Replay", [10**9], "probe"))  # a marker: everything before it is in
            async with asyncio.timeout(10):
                while not any(record.get("invocationId") == "probe" for record in seen):
                    seen += [json.loads(raw) for raw in (await bystander.recv()).split(RS) if raw]
            elapsed = time.monotonic() - started
            return answers, [record for record in seen if record.get("target") == "Ping"], elapsed

    answers, pings_seen, elapsed = asyncio.run(scenario())
    refused = [record for record in answers if record.get("type") == 3 and record.get("error")]
    assert refused and all("Too many invocations" in record["error"] for record in refused)
    burst, rate = 5, 2  # HUB_PING_BROADCAST_RATE's default: bursts of 5, then 2 a second
    assert len(pings_seen) <= burst + rate * elapsed, f"the bystander got {len(pings_seen)} Pings in {elapsed:.1f} s"


def test_memory_stays_flat_under_1000_hostile_connections(node, hub_url):
    """RSS after 1,000 hostile connections (and 100 events after them) within 10 MB of before."""
    pid = node.process.pid

    def round_of(connections: int, events: int) -> int:
        failures = asyncio.run(run_many(hub_url, connections))
        assert not failures, failures
        api = Api(node.url)
        for number in range(events):
            create_proposal(api, f"After abuse {number}")
        api.session.close()
        wait_until(lambda: released(node), timeout=30, message="every connection released")
        return rss_kib(pid)

    started = rss_kib(pid)
    before = round_of(100, 10)  # warm-up: every code path of the abuse loaded once
    after = round_of(1000, 100)
    print(
        f"\nproposals node RSS: started {started / 1024:.1f} MiB; after 100 hostile connections"
        f" {before / 1024:.1f} MiB; after 1,000 more and 100 events {after / 1024:.1f} MiB"
        f" ({(after - before) / 1024:+.1f} MiB)"
    )
    assert after - before <= 10 * 1024, f"RSS grew from {before} KiB to {after} KiB"
    assert requests.get(f"{node.url}/api/", timeout=10).status_code == 200
