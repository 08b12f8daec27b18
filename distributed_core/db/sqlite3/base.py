"""Django's SQLite backend, with the write lock handed between a process's threads without waiting.

SQLite lets one writer in at a time. A transaction that finds the write lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10 ms and more before it looks again: with
several request threads saving at once, the lock sits free while they sleep. Here the threads
of one process queue on a Python lock taken before `BEGIN` and released at `COMMIT` or
`ROLLBACK`, so the next writer starts the moment the last one ends. Other processes (a
`manage.py listen`, another worker) still meet SQLite's own lock and its busy timeout.

It never holds the lock longer than SQLite would: a transaction holds it from `BEGIN` to its
end, and no network call runs inside a transaction (see docs/events.md).
"""

from __future__ import annotations

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

__all__ = ["DatabaseWrapper"]

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def write_lock(name: str) -> threading.Lock:
    """The one lock of the database file `name` in this process."""
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    """SQLite's wrapper whose transactions take this process's write lock of the file first."""

    holds_write_lock = False

    def _start_transaction_under_autocommit(self) -> None:
        lock = write_lock(str(self.settings_dict["NAME"]))
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        if not lock.acquire(timeout=timeout):
            raise OperationalError(f"database is locked: another thread held it for {timeout:g} s")
        self.holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self.release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self.release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self.release_write_lock()

    def release_write_lock(self) -> None:
        """Let the next thread of this process begin its transaction."""
        if self.holds_write_lock:
            self.holds_write_lock = False
            write_lock(str(self.settings_dict["NAME"])).release()
