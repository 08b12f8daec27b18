"""`/health/` and `/ready/`: liveness always; readiness names each check that fails."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory

from distributed_core.serving import health

pytestmark = pytest.mark.django_db


def answer(view, method: str = "get") -> tuple[int, dict]:
    response = view(getattr(RequestFactory(), method)("/"))
    return response.status_code, json.loads(response.content)


def test_health_says_the_process_serves():
    assert answer(health.health) == (200, {"node": "node", "status": "ok"})


def test_ready_when_database_channel_layer_and_migrations_are():
    status, body = answer(health.ready)
    assert status == 200 and body["ready"] is True
    assert body["checks"] == {"database": "ok", "channelLayer": "ok", "migrations": "ok"}


def test_not_ready_with_a_channel_layer_that_does_not_answer(settings):
    closed = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [closed]}}
    }
    status, body = answer(health.ready)
    assert status == 503 and body["ready"] is False and body["checks"]["channelLayer"] == "unreachable"
    assert body["checks"]["database"] == "ok"


def test_not_ready_with_migrations_not_applied(monkeypatch):
    monkeypatch.setattr(health, "_migrated", set())
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a", False), ("b", False)])
    status, body = answer(health.ready)
    assert status == 503 and body["checks"]["migrations"] == "2 migration(s) not applied"


def test_a_database_that_does_not_answer_is_unreachable():
    assert health.database_problem("missing") == "unreachable"


def test_only_safe_methods():
    assert health.health(RequestFactory().post("/")).status_code == 405


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs Redis: set TEST_REDIS_URL")
def test_ready_on_redis_while_a_hub_waits_for_its_messages(settings):
    host = {"address": os.environ["TEST_REDIS_URL"], "socket_timeout": None}
    config = {"hosts": [host], "prefix": f"ready-test-{uuid.uuid4().hex[:8]}"}
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}}

    async def probe_while_a_consumer_waits() -> str | None:
        layer = get_channel_layer()
        waiting = asyncio.create_task(layer.receive(await layer.new_channel()))  # as a connected hub does
        await asyncio.sleep(0.3)
        try:
            return await sync_to_async(health.channel_layer_problem, thread_sensitive=False)()  # as a request does
        finally:
            waiting.cancel()
            await asyncio.gather(waiting, return_exceptions=True)
            await layer.flush()

    assert asyncio.run(probe_while_a_consumer_waits()) is None
