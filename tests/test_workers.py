"""Several workers of one node share events through Redis (ASGI workers, and REST on gunicorn); listeners apart."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import NodeProcess, Suite, free_port, stop_process, wait_until
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


def test_a_save_on_the_nodes_wsgi_application_reaches_its_hubs_through_redis(tmp_path):
    # the production layout: REST on gunicorn (the node's wsgi.py), hubs on the ASGI server, one database
    prefix = f"wsgi-{uuid.uuid4().hex[:8]}"  # this test's events only, whoever else uses the Redis
    suite = Suite(tmp_path, extra_env={"REDIS_URL": REDIS, "RUN_LISTENERS": "0", "CHANNEL_LAYER_PREFIX": prefix})
    suite.start()
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "proposals_project.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    web = subprocess.Popen(
        [*command, "--workers", "1", "--no-control-socket"],
        cwd=suite.proposals.cwd,
        env=suite.proposals.env,
        stdout=(tmp_path / "gunicorn.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        web_api = Api(f"http://127.0.0.1:{port}")
        wait_until(lambda: ok(web_api, "/health/"), timeout=30, message="the node on gunicorn")
        with HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal") as hub:
            for n in range(3):  # the publisher's loop thread starts with the first, and serves the others
                proposal = create_proposal(web_api, f"Saved on gunicorn {n}")
                hub.wait_for(lambda target, event, id=proposal["id"]: target == "OnAdd" and event["id"] == id)
    finally:
        stop_process(web)
        suite.stop()


def ok(api: Api, path: str) -> bool:
    """Whether `path` answers 200 (False while the server is not listening yet)."""
    try:
        return api.get(path).status_code == 200
    except OSError:
        return False
