"""Several ASGI workers of one node share events through Redis; listeners run in their own process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import NodeProcess, Suite, stop_process, wait_until
from .test_cross_node_http import create_proposal, submit

REDIS = os.environ.get("TEST_REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not REDIS, reason="needs Redis: set TEST_REDIS_URL (manage_all.py test does when Redis answers)"
)


def test_a_client_on_one_worker_receives_events_caused_on_another(tmp_path):
    suite = Suite(tmp_path, extra_env={"REDIS_URL": REDIS, "RUN_LISTENERS": "0"}).start()
    second = NodeProcess("proposals", suite.proposals.env, tmp_path)
    listener = None
    try:
        second.start()
        listener = subprocess.Popen(
            [sys.executable, "manage.py", "listen"],
            cwd=suite.proposals.cwd,
            env=suite.proposals.env,
            stdout=(tmp_path / "listener.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        first = Api(suite.proposals.url)
        with HubClient(second.url.replace("http", "ws") + "/events/proposal") as hub:
            proposal = create_proposal(first, "Served by the first worker")
            hub.wait_for(lambda target, event: target == "OnAdd" and event["id"] == proposal["id"])
            package = submit(first, proposal)  # the listener process applies the saga and publishes
            hub.wait_for(
                lambda target, event: target == "OnUpdate" and f"linked to package {package['id']}" in event["message"],
                timeout=20,
            )
        wait_until(lambda: Api(second.url).get("/events/status").json()["listeners"][0]["connected"])
    finally:
        stop_process(listener)
        second.stop()
        suite.stop()
