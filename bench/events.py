"""Benchmark of the event path on real node processes (not a test: it prints figures).

    .venv/bin/python -m bench.events [--n 200] [--catchup 2000] [--clients 500] [--rounds 5]  # repo root

Starts the proposals and workflows nodes (tests/nodes.py: `manage.py serve` on free 127.0.0.1 ports, fresh
SQLite databases in a temporary folder, or PostgreSQL / Redis when TEST_POSTGRES_URL / REDIS_URL
are set, exactly as the cross-node tests do) and measures:

1. latency   approve a package on workflows -> the PackageSaga applies it on proposals -> a client
             of the proposal hub gets the OnUpdate "... approved ...". Target: p99 <= 15 ms
             embedded (SQLite, in-memory layer), <= 30 ms on PostgreSQL + Redis.
2. catch-up  stop the proposals node (its listener with it), make N events on workflows, start it,
             time until its cursor reaches the hub's last seq. Target: >= 2,000 events/s. Side by
             side with the same listener applying one event per transaction (LISTENER_BATCH_SIZE=1).
3. fan-out   N raw WebSocket clients on the proposal hub; one broadcast; time until each client
             has it. Target: every client receives it, p99 <= 250 ms.

The hub clients are raw `websockets` connections speaking the SignalR JSON protocol directly
(handshake, 0x1E-ended records), so the client side adds as little as possible.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import uvloop
import websockets

from distributed_core.serving.open_files import raise_open_file_limit
from tests.backlog import approve_packages_for, make_proposals
from tests.nodes import Suite

RS = "\x1e"
HANDSHAKE = json.dumps({"protocol": "json", "version": 1}) + RS
PING_INVOCATION = json.dumps({"type": 1, "target": "Ping", "arguments": []}) + RS
STEP_TIMEOUT = 10.0  # seconds: any single wait (HTTP call, event, connect)

Predicate = Callable[[str, Any], bool]

LATENCY_TARGET_MS = 30.0 if os.environ.get("TEST_POSTGRES_URL") else 15.0  # p99, PostgreSQL + Redis / embedded
CATCHUP_TARGET = 2000.0  # events per second


# -- figures ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def figures(values_s: list[float]) -> str:
    if not values_s:
        return "no samples"
    ms = [value * 1000 for value in values_s]
    return (
        f"p50 {percentile(ms, 50):7.1f} ms   p99 {percentile(ms, 99):7.1f} ms   max {max(ms):7.1f} ms"
        f"   (n={len(ms)}, mean {sum(ms) / len(ms):.1f} ms)"
    )


# -- a raw SignalR JSON hub connection ------------------------------------------------------------


class HubConnection:
    """One WebSocket to a hub; a reader task timestamps every invocation the moment it arrives."""

    def __init__(self, url: str, on_invocation: Callable[[HubConnection, str, Any, float], None] | None = None):
        self.url = url
        self.ws: Any = None
        self.reader: asyncio.Task | None = None
        self.waiters: list[tuple[Predicate, asyncio.Future]] = []
        self.on_invocation = on_invocation

    async def open(self) -> HubConnection:
        self.ws = await asyncio.wait_for(websockets.connect(self.url, max_size=None), STEP_TIMEOUT)
        await self.ws.send(HANDSHAKE)
        reply = await asyncio.wait_for(self.ws.recv(), STEP_TIMEOUT)
        first, _, rest = reply.partition(RS)
        if json.loads(first) != {}:
            raise RuntimeError(f"handshake refused by {self.url}: {first}")
        self.reader = asyncio.create_task(self._read(rest))
        return self

    def expect(self, predicate: Predicate) -> asyncio.Future:
        """A future resolved with the arrival time of the first invocation matching `predicate`."""
        future = asyncio.get_running_loop().create_future()
        self.waiters.append((predicate, future))
        return future

    async def _read(self, pending: str) -> None:
        with contextlib.suppress(websockets.ConnectionClosed, asyncio.CancelledError):
            if pending:
                self._records(pending, time.perf_counter())
            while True:
                frame = await self.ws.recv()
                self._records(frame, time.perf_counter())

    def _records(self, frame: str, arrived: float) -> None:
        for raw in frame.split(RS):
            if not raw:
                continue
            record = json.loads(raw)
            if record.get("type") != 1:  # 6 = keep-alive ping, 3 = completion: not events
                continue
            target, arguments = record.get("target"), record.get("arguments") or [None]
            event = arguments[0]
            if self.on_invocation is not None:
                self.on_invocation(self, target, event, arrived)
            for waiter in list(self.waiters):
                predicate, future = waiter
                if future.done():
                    self.waiters.remove(waiter)
                elif predicate(target, event):
                    future.set_result(arrived)
                    self.waiters.remove(waiter)

    async def send(self, text: str) -> None:
        await self.ws.send(text)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)


def is_about(event: Any, entity_id: int, text: str) -> bool:
    return isinstance(event, dict) and event.get("id") == entity_id and text in str(event.get("message", ""))


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), or None where that is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def ws_url(http_url: str, hub: str) -> str:
    return http_url.replace("http://", "ws://") + f"/events/{hub}"


# -- HTTP (requests in a worker thread: the event loop stays free to timestamp frames) ------------


class Http:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()

    async def post(self, path: str, body: Any) -> dict[str, Any]:
        response = await asyncio.to_thread(self.session.post, self.base_url + path, json=body, timeout=STEP_TIMEOUT)
        if response.status_code != 200:
            raise RuntimeError(f"POST {path} answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def close(self) -> None:
        self.session.close()


# -- 1. approve -> saga -> proposal hub latency -------------------------------------------------


async def latency_bench(suite: Suite, n: int, warmup: int) -> dict[str, list[float]]:
    proposals, workflows = Http(suite.proposals.url), Http(suite.workflows.url)
    proposal_hub = await HubConnection(ws_url(suite.proposals.url, "proposal")).open()
    package_hub = await HubConnection(ws_url(suite.workflows.url, "package")).open()
    samples: dict[str, list[float]] = {"total": [], "http": [], "workflows": [], "proposals": []}
    missed = 0
    try:
        for index in range(warmup + n):
            proposal = (await proposals.post("/api/proposal/save", {"title": f"Bench {index}", "value": "v"}))["data"]
            pid = proposal["id"]
            linked = proposal_hub.expect(
                lambda t, e, pid=pid: t == "OnUpdate" and is_about(e, pid, "linked to package")
            )
            body = {"title": "Review", "value": "Please review", "entityId": pid, "entityType": "Proposal"}
            package_id = (await proposals.post("/api/workflows/submitPackage", body))["data"]["id"]
            try:
                await asyncio.wait_for(linked, STEP_TIMEOUT)
            except TimeoutError:
                missed += 1
                continue

            approved = proposal_hub.expect(lambda t, e, pid=pid: t == "OnUpdate" and is_about(e, pid, "approved"))
            published = package_hub.expect(
                lambda t, e, k=package_id: t == "OnStateChanged" and is_about(e, k, "approved")
            )
            started = time.perf_counter()
            await workflows.post("/api/package/approve", {"id": package_id})
            answered = time.perf_counter()
            try:
                arrived = await asyncio.wait_for(approved, STEP_TIMEOUT)
                seen_on_workflows = await asyncio.wait_for(published, STEP_TIMEOUT)
            except TimeoutError:
                missed += 1
                continue
            if index < warmup:
                continue
            samples["total"].append(arrived - started)
            samples["http"].append(answered - started)
            samples["workflows"].append(seen_on_workflows - started)
            samples["proposals"].append(arrived - seen_on_workflows)
    finally:
        await proposal_hub.close()
        await package_hub.close()
        proposals.close()
        workflows.close()
    samples["missed"] = [missed]
    return samples


# -- 2. catch-up --------------------------------------------------------------------------------


def catchup_round(suite: Suite, count: int, batch_size: int | None) -> dict[str, Any]:
    """Stop proposals, pile `count` events up on workflows, start proposals, watch its cursor converge.

    The rate counts only what is applied while watched: from the first status answer of the
    restarted node (its listener starts with it) until the cursor reaches the hub's last seq.
    """
    workflows = requests.Session()
    ids = make_proposals(suite.proposals, count // 2)
    suite.proposals.stop()
    made = approve_packages_for(suite.workflows, ids)
    hub = workflows.get(f"{suite.workflows.url}/events/status", timeout=STEP_TIMEOUT).json()["hubs"][0]
    last = hub["lastSeq"]
    if batch_size is None:
        suite.proposals.env.pop("LISTENER_BATCH_SIZE", None)
    else:
        suite.proposals.env["LISTENER_BATCH_SIZE"] = str(batch_size)
    suite.proposals.start()
    status = requests.Session()
    samples: list[tuple[float, int]] = []
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        listeners = status.get(f"{suite.proposals.url}/events/status", timeout=STEP_TIMEOUT).json()["listeners"]
        seq = listeners[0]["seq"] if listeners else 0
        samples.append((time.perf_counter(), seq))
        if seq >= last:
            break
        time.sleep(0.02)
    (first_at, first_seq), (last_at, last_seq) = samples[0], samples[-1]
    applied = last_seq - first_seq
    seconds = last_at - first_at
    return {
        "events": made,
        "applied_watched": applied,
        "seconds": seconds,
        "rate": applied / seconds if seconds > 0 and last_seq >= last else 0.0,
        "converged": last_seq >= last,
    }


def catchup_bench(suite: Suite, count: int, rounds: int) -> dict[str, list[dict[str, Any]]]:
    """Interleaved rounds: batched (the default) then one event per transaction, `rounds` times."""
    results: dict[str, list[dict[str, Any]]] = {"batched": [], "one per transaction": []}
    for number in range(rounds):
        for label, batch_size in (("batched", None), ("one per transaction", 1)):
            result = catchup_round(suite, count, batch_size)
            results[label].append(result)
            print(
                f"  round {number + 1} {label:<20} {result['events']} events: {result['rate']:7.0f} events/s "
                f"({result['applied_watched']} applied in {result['seconds']:.2f} s while watched"
                f"{'' if result['converged'] else ', DID NOT CONVERGE'})",
                flush=True,
            )
    suite.proposals.env.pop("LISTENER_BATCH_SIZE", None)
    return results


# -- 3. fan-out ---------------------------------------------------------------------------------


class Round:
    """One broadcast: which invocation counts, when it was triggered, who got it when."""

    def __init__(self, predicate: Predicate, expected: int) -> None:
        self.predicate = predicate
        self.expected = expected
        self.started = 0.0
        self.arrivals: dict[int, float] = {}
        self.complete = asyncio.Event()

    def seen(self, client: int, target: str, event: Any, arrived: float) -> None:
        if client not in self.arrivals and self.predicate(target, event):
            self.arrivals[client] = arrived
            if len(self.arrivals) >= self.expected:
                self.complete.set()


def fanout_settings(clients: int) -> dict[str, str]:
    """The nodes' environment for the fan-out: room for every client, and a Ping broadcast per round allowed."""
    return {"HUB_MAX_CONNECTIONS": str(clients + 100), "HUB_PING_BROADCAST_RATE": "100,100"}


async def fanout_bench(suite: Suite, clients: int, rounds: int, connect_concurrency: int) -> dict[str, Any]:
    url = ws_url(suite.proposals.url, "proposal")
    current: list[Round | None] = [None]
    index_of: dict[int, int] = {}

    def on_invocation(connection: HubConnection, target: str, event: Any, arrived: float) -> None:
        if current[0] is not None:
            current[0].seen(index_of[id(connection)], target, event, arrived)

    gate = asyncio.Semaphore(connect_concurrency)
    connections: list[HubConnection] = []

    async def connect(number: int) -> HubConnection | None:
        async with gate:
            connection = HubConnection(url, on_invocation)
            index_of[id(connection)] = number
            connections.append(connection)
            try:
                return await connection.open()
            except Exception as error:  # counted below; the figure says how many connected
                print(f"  client {number}: could not connect: {type(error).__name__}: {error}", flush=True)
                return None

    results: dict[str, Any] = {"connected": 0, "ping": [], "add": []}
    http = Http(suite.proposals.url)
    try:
        began = time.perf_counter()
        opened = await asyncio.gather(*(connect(number) for number in range(clients)))
        live = [connection for connection in opened if connection is not None]
        results["connected"] = len(live)
        results["connect_s"] = time.perf_counter() - began
        print(f"  {len(live)}/{clients} clients connected and handshaken in {results['connect_s']:.1f} s", flush=True)
        if not live:
            return results
        await asyncio.sleep(0.5)  # let the server finish every group_add before the first broadcast

        async def run_round(kind: str, number: int) -> Round:
            if kind == "ping":
                broadcast = Round(lambda t, e: t == "Ping", len(live))
            else:
                title = f"Fanout {number}"
                broadcast = Round(
                    lambda t, e, s=title: t == "OnAdd" and (e.get("data") or {}).get("title") == s, len(live)
                )
            current[0] = broadcast
            broadcast.started = time.perf_counter()
            if kind == "ping":
                await live[0].send(PING_INVOCATION)
            else:
                await http.post("/api/proposal/save", {"title": title, "value": "fan-out"})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(broadcast.complete.wait(), STEP_TIMEOUT)
            current[0] = None
            await asyncio.sleep(0.3)
            return broadcast

        node_pid = suite.proposals.process.pid
        for kind in ("ping", "add"):
            cpu_before, client_before = process_cpu_seconds(node_pid), process_cpu_seconds(os.getpid())
            for number in range(rounds):
                broadcast = await run_round(kind, number)
                delays = [arrived - broadcast.started for arrived in broadcast.arrivals.values()]
                results[kind].append(delays)
                print(
                    f"  {kind:4} round {number + 1}: {len(delays)}/{len(live)} received; {figures(delays)}",
                    flush=True,
                )
            cpu_after, client_after = process_cpu_seconds(node_pid), process_cpu_seconds(os.getpid())
            if cpu_before is not None and cpu_after is not None:
                results[f"{kind}_cpu_ms"] = (cpu_after - cpu_before) / rounds * 1000
                print(f"  {kind:4} proposals node CPU per round: {results[f'{kind}_cpu_ms']:.0f} ms", flush=True)
            if client_before is not None and client_after is not None:
                results[f"{kind}_client_cpu_ms"] = (client_after - client_before) / rounds * 1000
                print(f"  {kind:4} this client's CPU per round: {results[f'{kind}_client_cpu_ms']:.0f} ms", flush=True)
    finally:
        current[0] = None
        await asyncio.gather(*(connection.close() for connection in connections), return_exceptions=True)
        http.close()
    return results


# -- main ---------------------------------------------------------------------------------------


def header(args: argparse.Namespace, limit: tuple[int, int]) -> None:
    database = "PostgreSQL (TEST_POSTGRES_URL)" if os.environ.get("TEST_POSTGRES_URL") else "SQLite (WAL), temp folder"
    layer = "Redis (REDIS_URL)" if os.environ.get("REDIS_URL") else "in-memory"
    print(
        f"""\
Event benchmark: Distributed Design for Django
  nodes       proposals + workflows, one uvicorn process each (DEBUG=1, as the cross-node tests run them)
  database    {database}; channel layer {layer}
  machine     {os.cpu_count()} CPU cores, shared by this client and both node processes: all
              figures include the client's own CPU time and scheduling on the same cores
  load        1-minute load average {os.getloadavg()[0]:.2f} before starting: anything else running on
              these cores (other test runs) shows up in the figures, the tails first
  open files  soft limit {limit[0]} (raised for the fan-out; the nodes inherit it)

Figures
  latency     time from just before POST /api/package/approve (workflows) until a client of the
              proposal hub receives the OnUpdate "... approved ..." for that proposal:
              workflows commits and publishes OnStateChanged -> proposals' EventListener applies it
              through the PackageSaga in its own transaction -> proposals publishes OnUpdate.
              {args.n} proposals, each created and linked first ({args.warmup} warm-up rounds not counted).
              Breakdown: approve HTTP = the approve request's own round trip;
              workflows leg = until a client of workflows' package hub has OnStateChanged;
              proposals leg = from then until the proposal hub client has the OnUpdate.
              Target: p99 <= {LATENCY_TARGET_MS:.0f} ms.
  catch-up    {args.catchup} events (a package submitted and approved for {args.catchup // 2} proposals)
              made while the proposals node is stopped; then it starts and its listener replays
              them. Rate = events applied between the node's first status answer and the cursor
              reaching the hub's last seq, / that time. {args.catchup_rounds} interleaved round(s) of:
              batched (LISTENER_BATCH_SIZE default) and one event per transaction (=1).
              Target: >= {CATCHUP_TARGET:,.0f} events/s batched.
  fan-out     {args.clients} raw WebSocket clients on the proposal hub; per broadcast, the time from the
              trigger until each client has it. {args.rounds} rounds of each trigger:
              ping = one client invokes Ping (pure hub broadcast, no database),
              add  = POST /api/proposal/save (HTTP + DB commit + OnAdd broadcast).
              Target: every client receives it, p99 <= 250 ms.
""",
        flush=True,
    )


async def run(args: argparse.Namespace, suite: Suite) -> dict[str, Any]:
    print("1. latency: approve -> saga applied -> proposal hub client notified", flush=True)
    latency = await latency_bench(suite, args.n, args.warmup)
    print(f"  total           {figures(latency['total'])}", flush=True)
    print(f"  approve HTTP    {figures(latency['http'])}", flush=True)
    print(f"  workflows leg   {figures(latency['workflows'])}", flush=True)
    print(f"  proposals leg   {figures(latency['proposals'])}", flush=True)
    print(f"  missed (no event within {STEP_TIMEOUT:.0f} s): {latency['missed'][0]}\n", flush=True)
    catchup: dict[str, list[dict[str, Any]]] = {}
    if args.catchup:
        print(f"2. catch-up: {args.catchup} events behind", flush=True)
        catchup = await asyncio.to_thread(catchup_bench, suite, args.catchup, args.catchup_rounds)
        print(flush=True)
    print(f"3. fan-out: {args.clients} clients on the proposal hub", flush=True)
    fanout = await fanout_bench(suite, args.clients, args.rounds, args.connect_concurrency)
    return {"latency": latency, "catchup": catchup, "fanout": fanout}


def summary(args: argparse.Namespace, results: dict[str, Any]) -> None:
    latency, fanout = results["latency"], results["fanout"]
    ok_latency = (
        bool(latency["total"])
        and percentile(latency["total"], 99) * 1000 <= LATENCY_TARGET_MS
        and not latency["missed"][0]
    )
    lines = [
        "",
        "=" * 100,
        f"SUMMARY  ({os.cpu_count()} cores shared by the client and both nodes; loopback 127.0.0.1; "
        f"load average at start {results['load_before']:.2f}, at end {os.getloadavg()[0]:.2f})",
        f"latency approve -> proposal hub ({len(latency['total'])} samples, missed {latency['missed'][0]}):",
        f"  total           {figures(latency['total'])}   "
        f"target p99 <= {LATENCY_TARGET_MS:.0f} ms: {'MET' if ok_latency else 'MISSED'}",
        f"  approve HTTP    {figures(latency['http'])}",
        f"  workflows leg   {figures(latency['workflows'])}",
        f"  proposals leg   {figures(latency['proposals'])}",
    ]
    lines += catchup_summary(results["catchup"])
    lines.append(f"fan-out ({fanout['connected']}/{args.clients} clients connected):")
    for kind in ("ping", "add"):
        rounds = fanout.get(kind) or []
        if not rounds:
            continue
        combined = [delay for delays in rounds for delay in delays]
        everyone = fanout["connected"] == args.clients and all(len(delays) == args.clients for delays in rounds)
        ok = everyone and percentile(combined, 99) * 1000 <= 250
        received = ", ".join(str(len(delays)) for delays in rounds)
        lines.append(f"  {kind:4} received per round [{received}] of {args.clients}")
        lines.append(f"       combined  {figures(combined)}   target all + p99 <= 250 ms: {'MET' if ok else 'MISSED'}")
        if f"{kind}_cpu_ms" in fanout:
            cpu_ms = fanout[f"{kind}_cpu_ms"]
            lines.append(f"       proposals node CPU per round {cpu_ms:.0f} ms (the broadcast and the pause after it)")
        if f"{kind}_client_cpu_ms" in fanout:
            client_ms = fanout[f"{kind}_client_cpu_ms"]
            lines.append(f"       benchmark client CPU per round {client_ms:.0f} ms (all its readers, same cores)")
    lines.append("=" * 100)
    print("\n".join(lines), flush=True)


def catchup_summary(catchup: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The catch-up lines of the summary: each way's rates, the ratio, the target."""
    if not catchup:
        return []
    rates = {label: [result["rate"] for result in rounds] for label, rounds in catchup.items()}
    batched, single = rates["batched"], rates["one per transaction"]
    converged = all(result["converged"] for rounds in catchup.values() for result in rounds)
    ok = converged and min(batched) >= CATCHUP_TARGET
    events = catchup["batched"][0]["events"]
    lines = [f"catch-up ({events} events behind, {len(batched)} interleaved round(s) each):"]
    for label, values in rates.items():
        lines.append(f"  {label:<20} " + ", ".join(f"{rate:,.0f}" for rate in values) + " events/s")
    ratios = [b / s for b, s in zip(batched, single, strict=True) if s > 0]
    if ratios:
        lines.append(f"  batched / one per transaction: {', '.join(f'{ratio:.1f}x' for ratio in ratios)}")
    lines.append(
        f"  target batched >= {CATCHUP_TARGET:,.0f} events/s in every round: {'MET' if ok else 'MISSED'}"
        f" (lowest {min(batched):,.0f})"
    )
    return lines


def print_node_logs(suite: Suite, lines: int = 30) -> None:
    """The end of each node's log (they live in the temporary folder, removed on exit)."""
    for node in suite.nodes.values():
        with contextlib.suppress(OSError):
            tail = node.log_path.read_text(errors="replace").splitlines()[-lines:]
            print(f"--- {node.log_path.name} (last {len(tail)} lines)", *tail, sep="\n", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="proposals approved for the latency figure (200)")
    parser.add_argument("--warmup", type=int, default=5, help="latency rounds run first and not counted (5)")
    parser.add_argument("--catchup", type=int, default=2000, help="events behind for the catch-up, 0 skips it (2000)")
    parser.add_argument("--catchup-rounds", type=int, default=1, help="interleaved catch-up rounds of each kind (1)")
    parser.add_argument("--clients", type=int, default=500, help="WebSocket clients for the fan-out (500)")
    parser.add_argument("--rounds", type=int, default=5, help="broadcasts of each kind in the fan-out (5)")
    parser.add_argument("--connect-concurrency", type=int, default=50, help="fan-out connects in flight (50)")
    args = parser.parse_args()

    # SIGTERM (and SIGINT, which a shell ignores in background jobs) unwind through the finally
    # blocks below, so the sockets close and both node processes are stopped
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda received, frame: sys.exit(128 + received))
    raise_open_file_limit(2 * args.clients + 512)  # the node processes inherit it
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)
    load_before = os.getloadavg()[0]
    header(args, limit)
    # the whole run is bounded: connects and steps have their own timeouts, this caps the rest
    budget = 60 + args.n * 4 * STEP_TIMEOUT / 10 + args.rounds * 2 * (STEP_TIMEOUT + 1) + args.clients * 0.2
    budget += args.catchup_rounds * 2 * (300 + args.catchup * 0.01) if args.catchup else 0
    with tempfile.TemporaryDirectory(prefix="dd-bench-") as tmp:
        suite = Suite(Path(tmp), extra_env=fanout_settings(args.clients))
        try:
            print("starting the nodes ...", flush=True)
            try:
                suite.start()
            except Exception as error:
                print(f"\nABORTED: the nodes did not start: {error}", flush=True)
                print_node_logs(suite)
                return 1
            print(f"  proposals {suite.proposals.url}   workflows {suite.workflows.url}\n", flush=True)
            try:
                # on uvloop, as the nodes run (uvicorn[standard]): 2,000 reading clients cost this process less
                results = uvloop.run(asyncio.wait_for(run(args, suite), budget))
            except TimeoutError:
                print(f"\nABORTED: the benchmark did not finish within {budget:.0f} s", flush=True)
                print_node_logs(suite)
                return 1
        finally:
            suite.stop()
    results["load_before"] = load_before
    summary(args, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
