"""Pruning the event log never takes what a listener still needs; forced, the listener says it needs a resync."""

from __future__ import annotations

import subprocess
import sys

from .client import Api
from .nodes import Suite, wait_until
from .test_cross_node_http import create_proposal, submit


def manage(node, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=node.cwd, env=node.env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_prune_keeps_what_a_stopped_listener_needs_and_a_forced_prune_asks_for_a_resync(tmp_path):
    suite = Suite(tmp_path, extra_env={"HUB_KEEPALIVE_INTERVAL": "1"}).start()
    try:
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)

        def hub() -> dict:
            return workflows.get("/events/status").json()["hubs"][0]

        def listener() -> dict:
            return proposals.get("/events/status").json()["listeners"][0]

        def linked(proposal: dict, package: dict) -> bool:
            return proposals.get(f"/api/proposal/getFromId/{proposal['id']}").json().get("packageId") == package["id"]

        first = create_proposal(proposals, "First")
        package = submit(proposals, first)
        wait_until(lambda: linked(first, package), message="linked")
        wait_until(
            lambda: [(p["name"], p["seq"]) for p in hub()["listeners"]] == [("proposals", hub()["lastSeq"])],
            message="the hub knows how far the proposals listener got",
        )

        suite.proposals.stop()  # the listener is away while the package is approved
        workflows.post("/api/package/approve", {"id": package["id"]})
        last = hub()["lastSeq"]
        output = manage(suite.workflows, "prune_events", "--days", "0")
        assert "Deleted 1 event(s)" in output and "Kept 1 old event(s)" in output
        suite.proposals.start()
        wait_until(lambda: listener()["seq"] == last, message="the kept event applied after the restart")
        assert proposals.get(f"/api/proposal/getStatus/{first['id']}").json()["state"] == "Active"

        suite.proposals.stop()
        workflows.post("/api/package/save", {"title": "Lost", "value": "v", "entityId": 999, "entityType": "Proposal"})
        lost_seq = hub()["lastSeq"]
        assert "Deleted" in manage(suite.workflows, "prune_events", "--days", "0", "--force")
        suite.proposals.start()
        status = wait_until(lambda: (s := listener())["needsResync"] and s, timeout=20, message="needs resync")
        assert status["state"] == "needs resync" and status["seq"] == last
        assert f"the hub no longer has events {last + 1}..{lost_seq}" in status["lastError"]

        output = manage(suite.proposals, "events", "resync", "workflows/package", "--to", str(lost_seq))
        assert f"cursor at {lost_seq}" in output
        wait_until(lambda: listener()["state"] == "connected", message="back in step")
        third = create_proposal(proposals, "Third")
        package = submit(proposals, third)
        wait_until(lambda: linked(third, package), message="new events flow again")
    finally:
        suite.stop()
