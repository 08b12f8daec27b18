"""Each hub's sequence: the seq of its next event, counted up under a row lock held until commit.

`next_seq` is every writer's one point of contention on a hub: it takes the hub's `HubSequence`
row lock and counts up in one statement (`UPDATE ... RETURNING` where the database has it), and
the lock stays held until the writer commits, so seq order is commit order. `last_seq` is what
the hubs tell listeners (`Sync`), read at most once a second per process.
"""

from __future__ import annotations

import time

from django.db import connection
from django.db.models import F

from ...models import HubSequence

__all__ = ["last_seq", "next_seq"]


def next_seq(hub: str, count: int = 1) -> int:
    """Count `hub`'s sequence up by `count` and return the new last seq; its row stays locked until commit."""
    if _update_returning():
        table = connection.ops.quote_name(HubSequence._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_seq = last_seq + %s WHERE hub = %s RETURNING last_seq", [count, hub]
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
    elif HubSequence.objects.filter(hub=hub).update(last_seq=F("last_seq") + count):
        return HubSequence.objects.filter(hub=hub).values_list("last_seq", flat=True).get()
    HubSequence.objects.get_or_create(hub=hub)  # the hub's first event: its row, made once
    return next_seq(hub, count)


def _update_returning() -> bool:
    """Whether the database answers `UPDATE ... RETURNING` (PostgreSQL; SQLite 3.35+): one round trip, not two."""
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 35)
    )


_last_seq_cache: dict[str, tuple[float, int]] = {}


def last_seq(hub: str, max_age: float = 1.0) -> int:
    """The hub's last logged seq, read at most once per `max_age` seconds per process (for Sync)."""
    now = time.monotonic()
    cached = _last_seq_cache.get(hub)
    if cached is None or now - cached[0] > max_age:
        sequence = HubSequence.objects.filter(hub=hub).first()
        cached = _last_seq_cache[hub] = (now, sequence.last_seq if sequence else 0)
    return cached[1]
