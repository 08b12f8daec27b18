"""`GET /health/` and `GET /ready/`: what a load balancer and the supervisor ask a node.

    /health/  200 {"node": ..., "status": "ok"} whenever the process serves HTTP at all (liveness)
    /ready/   200 when the node can do its work: its database answers, its channel layer carries
              a message, and every migration is applied; 503 naming what is not, otherwise;
              503 at once, checking nothing, once the process is draining (drain.py: it is stopping)

Both are open (they say nothing about the data) and cheap: the database check is one query, the
channel layer's one message to this process itself, and the migration plan is read only until it
is found complete (migrations are not un-applied under a running node).
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from ..conf import dd_settings
from .drain import is_draining

__all__ = ["health", "ready"]

logger = logging.getLogger("distributed_core")

CHANNEL_LAYER_TIMEOUT = 2.0  # seconds for a message to come back through the channel layer
_migrated: set[str] = set()  # database aliases found fully migrated


@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and serving requests."""
    return JsonResponse({"node": dd_settings.node_name, "status": "ok"})


@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database, channel layer and migrations; 503 with each failing check's reason, or when draining."""
    if is_draining():  # the balancer is to stop routing here: say so before anything else
        body = {"node": dd_settings.node_name, "ready": False, "checks": {"draining": "stopping"}}
        return JsonResponse(body, status=503)
    checks = {"database": database_problem(), "channelLayer": channel_layer_problem()}
    checks["migrations"] = migrations_problem() if checks["database"] is None else "not checked: no database"
    ok = all(problem is None for problem in checks.values())
    body = {
        "node": dd_settings.node_name,
        "ready": ok,
        "checks": {name: problem or "ok" for name, problem in checks.items()},
    }
    return JsonResponse(body, status=200 if ok else 503)


def database_problem(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """None when the database answers a query, else why not (details in the log, not in the answer)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
        return None
    except Exception:  # any failure means: not ready
        logger.warning("Readiness: the database %r does not answer", alias, exc_info=True)
        return "unreachable"


def migrations_problem(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """None when every migration of the project is applied to the database, else how many are not."""
    if alias in _migrated:
        return None
    executor = MigrationExecutor(connections[alias])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return f"{len(pending)} migration(s) not applied"
    _migrated.add(alias)
    return None


def channel_layer_problem() -> str | None:
    """None when a message sent on the channel layer comes back within CHANNEL_LAYER_TIMEOUT, else why not."""
    layer = get_channel_layer()
    if layer is None:
        return "not configured"
    try:
        async_to_sync(_round_trip)(layer)
        return None
    except Exception:  # a timeout, a refused connection, ...: not ready
        logger.warning("Readiness: the channel layer does not carry a message", exc_info=True)
        return "unreachable"


async def _round_trip(layer) -> None:
    async def send_and_receive() -> None:
        # the default prefix: channels-redis reads every channel of a process from one list, and a
        # channel of another prefix would wait for whoever holds that read (a hub) to let it go
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "ready.probe"})
        await layer.receive(channel)

    await asyncio.wait_for(send_and_receive(), timeout=CHANNEL_LAYER_TIMEOUT)
