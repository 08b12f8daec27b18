"""`/health/` and `/ready/`: liveness always; readiness names each check that fails."""

from __future__ import annotations

import json

import pytest
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
