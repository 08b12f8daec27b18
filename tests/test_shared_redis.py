"""Two nodes with a hub of the same name on one Redis (one prefix) each hear only their own events."""

from __future__ import annotations

import os
import secrets
import sys

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import NodeProcess

REDIS = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not REDIS, reason="needs Redis: set TEST_REDIS_URL (manage_all.py test does when Redis answers)"
)


def add_package(node: NodeProcess, title: str) -> dict:
    body = {"title": title, "value": f"{title} package", "entityId": 1, "entityType": title}
    response = Api(node.url).post("/api/package/save", body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_two_nodes_sharing_one_redis_never_receive_each_others_events(tmp_path):
    # a second node with a `package` hub: the workflows node's code under another DD_NODE_NAME
    (tmp_path / "archive_settings.py").write_text(
        'from workflows_project.settings import *\n\nDD_NODE_NAME = "archive"\n'
    )
    shared = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    shared.update(
        {"DEBUG": "1", "PYTHONUNBUFFERED": "1", "REDIS_URL": REDIS, "RUN_LISTENERS": "0", "DRAIN_SECONDS": "0"}
        | {"CHANNEL_LAYER_PREFIX": f"dd-shared-{secrets.token_hex(4)}", "SECRET_KEY": secrets.token_urlsafe(50)}
    )
    (tmp_path / "workflows").mkdir()
    (tmp_path / "archive").mkdir()
    workflows = NodeProcess("workflows", {**shared, "DD_DATA_DIR": str(tmp_path / "workflows")}, tmp_path)
    archive_env = {
        **shared,
        "DD_DATA_DIR": str(tmp_path / "archive"),
        "DJANGO_SETTINGS_MODULE": "archive_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
    }
    archive = NodeProcess("workflows", archive_env, tmp_path)
    try:
        for node in (workflows, archive):
            node.migrate()
            node.start()
        assert Api(archive.url).get("/events/status").json()["node"] == "archive"
        hub = "/events/package"
        with (
            HubClient(workflows.url.replace("http", "ws") + hub) as on_workflows,
            HubClient(archive.url.replace("http", "ws") + hub) as on_archive,
        ):
            first = add_package(workflows, "First")
            on_workflows.wait_for(lambda target, event: target == "OnAdd" and event["data"]["title"] == "First")
            second = add_package(archive, "Second")
            on_archive.wait_for(lambda target, event: target == "OnAdd" and event["data"]["title"] == "Second")
            third = add_package(workflows, "Third")
            on_workflows.wait_for(lambda target, event: target == "OnAdd" and event["data"]["title"] == "Third")
            # each node's events went out on Redis before the other node's last one: any crossing is in by now
            heard_by_archive = [event["data"]["title"] for target, event in on_archive.events if target == "OnAdd"]
            heard_by_workflows = [event["data"]["title"] for target, event in on_workflows.events if target == "OnAdd"]
        assert heard_by_archive == ["Second"], heard_by_archive
        assert heard_by_workflows == ["First", "Third"], heard_by_workflows
        assert first["id"] and second["id"] and third["id"]
    finally:
        workflows.stop()
        archive.stop()
