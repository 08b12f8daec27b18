"""What the per-hub sequence lock costs writers (not a test: it prints figures).

    TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python -m bench.seqlock [--writers 4] [--n 200]

Every command that announces a change takes its hub's `HubSequence` row lock and holds it until
commit: that is what makes seq order commit order (a listener that sees seq N+2 knows N+1
exists). Under concurrent writers the lock is a queue. This measures it on PostgreSQL (SQLite
serializes all writers anyway): `--writers` processes, each saving `--n` packages through the
workflows node's `PackageCommand` in its own transaction, all starting at once, in interleaved
rounds of four variants:

  no event     the same command with no hub: the write alone, the floor
  before       the event recorded as before this change: the sequence row read FOR UPDATE
               (get_or_create), counted up with a second statement, the payload serialized by a
               new DRF serializer while the lock is held, then the insert
  after        `record_event` now: payload serialized (by a kept serializer) and the row built
               before the lock; lock and count in one UPDATE ... RETURNING; then the insert
  unshared     each writer on a hub of its own: no lock shared at all (not sound for one hub:
               the reference for what any lock costs)

Publishing after commit is left out (stubbed) in every variant: a served node hands it to its
event loop without waiting (events/log/publisher.py). Throughput is the total of all writers;
latency is one command's, begin to commit.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.nodes import Databases, NodeProcess

VARIANTS = ("no event", "before", "after", "unshared")

WORKER = """
import json, os, time
from django.db import transaction
from distributed_core import commands
from distributed_core.events import Hub
from distributed_core.events.log import record
from distributed_core.serializers import serializer_for
from distributed_core.models import Event, HubSequence
from distributed_core.wire import to_wire
from workflows.commands import PackageCommand

variant, writer, count, start_at = {variant!r}, {writer}, {count}, {start_at}
record.publish = lambda event: None  # a served node queues this on its loop; left out of every variant


def record_before(hub, target, *, entity=None, entity_id=None, message="", actor=None):  # actor: as record_event
    hub = str(hub)  # a Hub, or its name
    sequence, _ = HubSequence.objects.select_for_update().get_or_create(hub=hub)
    sequence.last_seq += 1
    sequence.save(update_fields=["last_seq"])
    event = Event.objects.create(
        hub=hub, seq=sequence.last_seq, target=target,
        entity_id=entity_id if entity_id is not None else getattr(entity, "pk", None),
        data=to_wire(serializer_for(type(entity))(entity).data) if entity is not None else None,
        message=message,
    )
    transaction.on_commit(lambda: record.publish(event))
    return event


class Command(PackageCommand):
    hub = Hub("package-" + str(writer)) if variant == "unshared" else None  # None: the package hub

    def announce(self, target, entity, message):
        if variant != "no event":
            super().announce(target, entity, message)


if variant == "before":
    commands.record_event = record_before
command = Command()
base = 1_000_000 * (writer + 1)  # an entity of its own for every package: no one-active-package conflicts
latencies = []
while time.time() < start_at:
    time.sleep(0.001)
began = time.perf_counter()
for number in range(count):
    started = time.perf_counter()
    command.save({{"title": "t", "value": "v", "entity_id": base + number, "entity_type": "Bench"}})
    latencies.append(time.perf_counter() - started)
print("SEQLOCK:" + json.dumps({{"elapsed": time.perf_counter() - began, "latencies": latencies}}))
"""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def run_round(node: NodeProcess, variant: str, writers: int, count: int, offset: int) -> dict[str, float]:
    """`writers` processes saving `count` packages each, from one moment on; throughput and latencies."""
    start_at = time.time() + 4.0  # every worker has Django loaded by then
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                WORKER.format(variant=variant, writer=offset + writer, count=count, start_at=start_at),
            ],
            cwd=node.cwd,
            env=node.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for writer in range(writers)
    ]
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=600)
        line = next(line for line in out.splitlines() if line.startswith("SEQLOCK:"))
        results.append(json.loads(line[len("SEQLOCK:") :]))
    latencies = [value * 1000 for result in results for value in result["latencies"]]
    return {
        "throughput": writers * count / max(result["elapsed"] for result in results),
        "p50": percentile(latencies, 50),
        "p99": percentile(latencies, 99),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writers", type=int, default=4, help="concurrent writer processes (4)")
    parser.add_argument("--n", type=int, default=200, help="commands per writer per round (200)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of every variant (3)")
    args = parser.parse_args()
    if not os.environ.get("TEST_POSTGRES_URL"):
        print("Set TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432): the lock matters on PostgreSQL.")
        return 2
    load_before = os.getloadavg()[0]
    print(
        f"Sequence lock benchmark: {args.writers} writer processes x {args.n} PackageCommand.save each, "
        f"{args.rounds} interleaved rounds, PostgreSQL; {os.cpu_count()} cores, load {load_before:.2f}",
        flush=True,
    )
    figures: dict[str, list[dict[str, float]]] = {variant: [] for variant in VARIANTS}
    with tempfile.TemporaryDirectory(prefix="dd-seqlock-") as tmp:
        databases = Databases(Path(tmp))
        try:
            env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
            node = NodeProcess("workflows", {**env, **databases.env_for("workflows")}, Path(tmp))
            node.migrate()
            for number in range(args.rounds):
                for index, variant in enumerate(VARIANTS):
                    offset = (number * len(VARIANTS) + index) * args.writers
                    result = run_round(node, variant, args.writers, args.n, offset)
                    figures[variant].append(result)
                    print(
                        f"  round {number + 1} {variant:<9} {result['throughput']:7.0f} commands/s   "
                        f"p50 {result['p50']:6.2f} ms   p99 {result['p99']:6.2f} ms",
                        flush=True,
                    )
        finally:
            databases.drop_all()
    floor = sum(r["throughput"] for r in figures["no event"]) / args.rounds
    print(f"\nSUMMARY (load average {load_before:.2f} at start, {os.getloadavg()[0]:.2f} at end)")
    for variant, rounds in figures.items():
        throughput = sum(r["throughput"] for r in rounds) / len(rounds)
        p99s = ", ".join(f"{r['p99']:.1f}" for r in rounds)
        ratio = throughput / floor
        print(f"  {variant:<9} {throughput:7.0f} commands/s ({ratio:.2f}x of no event)   p99 per round {p99s} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
