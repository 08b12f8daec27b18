"""Idempotent commands: the answer to a command sent with an `Idempotency-Key` is stored with its effect.

A caller that did not get its answer (a timeout, a lost connection, a node killed after its
commit) sends the same request again with the same key, and gets the first answer again, while
the command does not act twice. What makes this exact is where the answer is written: in the
transaction of the command's effect. The command opens that transaction itself
(`EntityCommand.atomic()`, after its `prepare_*` calls to other nodes: no network call under a
lock); while a request with a key is being answered (an `IdempotentCall`, made by the route),
the transaction is opened one level further out and kept open until the route has made its
answer and stored it:

    prepare_* (other nodes)   BEGIN   the command's writes   the answer stored   COMMIT   the answer sent

So a crash before COMMIT leaves neither the effect nor the answer (the retry acts), and a crash
after it leaves both (the retry gets the answer). A refusal (4xx) is stored too, on its own when
the command never reached its transaction; a server error (5xx) never is, so that a retry acts.
Two requests with one key at once: the second is refused with a 409 while the first is being
answered (`in_flight`), and should both get through (two processes on SQLite), the unique
(caller, key) lets one answer in, and the other is rolled back and answered with it.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .conf import dd_settings
from .exceptions import KeyInFlight
from .models import IdempotencyKey

__all__ = [
    "IdempotentCall",
    "advisory_lock_id",
    "command_transaction",
    "expired_before",
    "in_flight",
    "stored_answer",
]

_current: ContextVar[IdempotentCall | None] = ContextVar("idempotent_call", default=None)


def expired_before() -> Any:
    """The moment before which a stored answer has expired (now - `DD_IDEMPOTENCY_TTL`)."""
    return timezone.now() - timedelta(seconds=dd_settings.idempotency_ttl)


def stored_answer(caller: str, key: str) -> IdempotencyKey | None:
    """The answer stored for `caller`'s `key`, unless it has expired."""
    return IdempotencyKey.objects.filter(caller=caller, key=key, date_created__gte=expired_before()).first()


class IdempotentCall:
    """One command request with a key: the transaction that holds its effect and its answer, once the command opens it.

    `active()` makes it the current call of this thread (and task), for `command_transaction()`;
    `store()` writes the answer, in that transaction when the command opened one, else in one of
    its own; `commit()` ends the transaction, `abort()` rolls it back.
    """

    def __init__(self, caller: str, key: str, fingerprint: str) -> None:
        self.caller = caller
        self.key = key
        self.fingerprint = fingerprint
        self._transaction: contextlib.ExitStack | None = None

    @property
    def began(self) -> bool:
        """Whether the command has opened its transaction (and the answer will be stored in it)."""
        return self._transaction is not None

    @contextlib.contextmanager
    def active(self) -> Iterator[IdempotentCall]:
        """This call as the current one while the block runs; a transaction still open at its end is rolled back."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)
            self.abort()

    def begin(self) -> None:
        """Open the transaction that will hold the command's effect and this call's answer."""
        stack = contextlib.ExitStack()
        stack.enter_context(transaction.atomic())
        self._transaction = stack

    def store(self, status: int, body: str | None) -> None:
        """Write the answer (an IntegrityError when the key was answered meanwhile); an expired one is replaced."""
        with transaction.atomic():  # a savepoint in the command's transaction, or a transaction of its own
            IdempotencyKey.objects.filter(caller=self.caller, key=self.key, date_created__lt=expired_before()).delete()
            IdempotencyKey.objects.create(
                caller=self.caller,
                key=self.key,
                fingerprint=self.fingerprint,
                status=status,
                body=body,
                date_created=timezone.now(),
            )

    def commit(self) -> None:
        """Commit the command's transaction, with the answer stored in it (nothing to do if it never began)."""
        stack, self._transaction = self._transaction, None
        if stack is not None:
            stack.__exit__(None, None, None)

    def abort(self, error: BaseException | None = None) -> None:
        """Roll the command's transaction back, effect and all (nothing to do if it never began or has ended)."""
        stack, self._transaction = self._transaction, None
        if stack is not None:
            error = error or RuntimeError("aborted")  # Atomic rolls back when its block ends with an exception
            stack.__exit__(type(error), error, error.__traceback__)


def command_transaction() -> transaction.Atomic:
    """A command's transaction: `transaction.atomic()`, inside the current call's transaction if there is one.

    The first command transaction of a request with a key opens the call's transaction (which
    lasts until the answer is stored); the command's own is then a savepoint inside it.
    """
    call = _current.get()
    if call is not None and not call.began:
        call.begin()
    return transaction.atomic()


_in_flight: set[tuple[str, str]] = set()
_in_flight_lock = threading.Lock()


@contextlib.contextmanager
def in_flight(caller: str, key: str) -> Iterator[None]:
    """Hold `caller`'s `key` while the block answers it; KeyInFlight (409) if it is held already.

    Held in this process (any database), and on PostgreSQL across processes too, by a session
    advisory lock: it goes with the session, so a process killed mid-request leaves nothing held.
    """
    held = (caller, key)
    with _in_flight_lock:
        if held in _in_flight:
            raise _still_answering()
        _in_flight.add(held)
    try:
        with _database_hold(caller, key):
            yield
    finally:
        with _in_flight_lock:
            _in_flight.discard(held)


@contextlib.contextmanager
def _database_hold(caller: str, key: str) -> Iterator[None]:
    if connection.vendor != "postgresql":  # SQLite: one writer at a time, and the unique key settles the rest
        yield
        return
    lock = advisory_lock_id(caller, key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock])
        if not cursor.fetchone()[0]:
            raise _still_answering()
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
        except DatabaseError:  # the connection is gone, and the session's lock with it
            pass


def advisory_lock_id(caller: str, key: str) -> int:
    """The PostgreSQL advisory lock (a signed 64-bit number) that holds `caller`'s `key` while it is answered."""
    digest = hashlib.blake2b(f"idempotency\n{caller}\n{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _still_answering() -> KeyInFlight:
    return KeyInFlight("A request with this Idempotency-Key is still being answered: send it again later")
