"""An outage of a backing service answers 503 with `Retry-After`, not a 500.

When the node's database, or Redis behind its channel layer or cache, cannot be reached, every
request that needs it fails, and that is neither the request's fault nor a bug of the node: the
answer is a 503 with `Retry-After` and a JSON body that says which service is missing,

    {"type": "ServiceUnavailable", "message": "The database is unavailable", "service": "database",
     "path": "/api/package/get", "id": "…"}

never its address nor the error's text (those go to the log line carrying the same id). Only a
failure to reach the service counts: a refused or lost connection, a server shutting down or out
of connection slots. Every other database error (a constraint, a missing table, a deadlock, a
bad parameter) is what it was, a 400 or a logged 500.

The node needs nothing to recover: Django closes a connection that failed at the end of the
request (`close_if_unusable_or_obsolete`), the next request connects again, and the listeners
reconnect and replay by themselves.
"""

from __future__ import annotations

import logging
import uuid
from types import TracebackType

from django.db import InterfaceError, OperationalError

__all__ = ["RETRY_AFTER", "SERVICE_UNAVAILABLE", "outage_body", "unavailable_service"]

logger = logging.getLogger("distributed_core")

RETRY_AFTER = 5  # seconds a client waits before it tries again (a restarting database is back in about that)
SERVICE_UNAVAILABLE = "ServiceUnavailable"  # the body's `type`

MESSAGES = {
    "database": "The database is unavailable",
    "channel layer": "The channel layer is unavailable",
    "cache": "The cache is unavailable",
    "Redis": "Redis is unavailable",
}

# SQLSTATEs that say the server cannot be reached or is not serving: class 08 (connection
# exception: 08001 cannot connect, 08006 connection failure, 08S01 link failure, ...), PostgreSQL's
# shutdowns (57P01 admin, 57P02 crash, 57P03 cannot connect now) and 53300 too many connections
UNREACHABLE_CLASS = "08"
UNREACHABLE_STATES = {"57P01", "57P02", "57P03", "53300"}
# drivers whose connection failures carry no SQLSTATE (the server never answered)
NO_STATE_DRIVERS = {"psycopg", "psycopg2", "psycopg_pool"}
# modules whose frames on an error's way say which of the node's Redis clients failed
CHANNEL_LAYER_MODULES = ("channels_redis", "channels.layers")
CACHE_MODULES = ("django.core.cache", "django_redis")


def unavailable_service(error: BaseException) -> str | None:
    """The backing service `error` says cannot be reached ("database", "channel layer", "cache", "Redis"), else None."""
    if isinstance(error, (OperationalError, InterfaceError)) and _database_unreachable(error.__cause__ or error):
        return "database"
    if _is_redis_connection_error(error):
        return _redis_user(error.__traceback__)
    return None


def outage_body(service: str, error: BaseException, path: str) -> dict[str, str]:
    """Log the outage (a warning: the error's text, with an id) and return the 503 body naming only the service."""
    error_id = uuid.uuid4().hex[:12]
    logger.warning("%s (%s) on %s: %s: %s", MESSAGES[service], error_id, path, type(error).__name__, error)
    return {"type": SERVICE_UNAVAILABLE, "message": MESSAGES[service], "service": service, "path": path, "id": error_id}


def _database_unreachable(cause: BaseException) -> bool:
    """Whether the driver's error `cause` is a failure to reach the database server, by its driver and SQLSTATE."""
    driver = type(cause).__module__.partition(".")[0]
    if driver == "sqlite3":  # a file database is reachable unless its file cannot be opened
        return getattr(cause, "sqlite_errorname", None) == "SQLITE_CANTOPEN"
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None) or _odbc_state(cause, driver)
    if state:
        return state.startswith(UNREACHABLE_CLASS) or state in UNREACHABLE_STATES
    # psycopg's InterfaceError is a misuse (a closed cursor), not an outage; psycopg2's is a closed connection
    operational = any(kind.__name__ == "OperationalError" for kind in type(cause).__mro__)
    interface = driver == "psycopg2" and any(kind.__name__ == "InterfaceError" for kind in type(cause).__mro__)
    return driver in NO_STATE_DRIVERS and (operational or interface)


def _odbc_state(cause: BaseException, driver: str) -> str | None:
    """pyodbc (SQL Server through mssql-django) puts the SQLSTATE first in the error's arguments."""
    if driver == "pyodbc" and cause.args and isinstance(cause.args[0], str) and len(cause.args[0]) == 5:
        return cause.args[0]
    return None


def _is_redis_connection_error(error: BaseException) -> bool:
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # no Redis client installed: no Redis to be down
        return False
    return isinstance(error, (RedisConnectionError, RedisTimeoutError))


def _redis_user(traceback: TracebackType | None) -> str:
    """Which part of the node was talking to Redis when it failed, from the modules on the error's way."""
    user = "Redis"
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module.startswith(CHANNEL_LAYER_MODULES):
            user = "channel layer"
        elif module.startswith(CACHE_MODULES):
            user = "cache"
        traceback = traceback.tb_next
    return user
