"""Crash the proposals node while workflows decides: after a restart every effect happens exactly once."""

from __future__ import annotations

import collections

from .client import Api
from .hub_client import HubClient
from .nodes import Suite, wait_until
from .test_cross_node_http import create_proposal, submit

PACKAGES = 20
KILL_AFTER = 7


def test_sigkill_during_decisions_then_restart_converges_exactly_once(tmp_path):
    suite = Suite(tmp_path).start()
    try:
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        plan = []
        for index in range(PACKAGES):
            proposal = create_proposal(proposals, f"Crash {index}")
            result = "Active" if index % 3 else "Inactive"
            package = submit(proposals, proposal, result=result)
            expected = result if index % 2 == 0 else "Rejected"
            plan.append((proposal["id"], package["id"], "approve" if index % 2 == 0 else "reject", expected))

        def linked() -> bool:
            return all(
                proposals.get(f"/api/proposal/getFromId/{p}").json().get("packageId") == k for p, k, _, _ in plan
            )

        wait_until(linked, timeout=30, message="every package linked by the saga")

        for index, (_, package_id, action, _) in enumerate(plan):
            if index == KILL_AFTER:
                suite.proposals.kill()  # SIGKILL: no shutdown, whatever was in flight is lost
            assert workflows.post(f"/api/package/{action}", {"id": package_id}).status_code == 200
        suite.proposals.start()

        wait_until(lambda: converged(proposals, plan), timeout=60, interval=0.2, message="every proposal decided")

        last_seq = workflows.get("/events/status").json()["hubs"][0]["lastSeq"]
        wait_until(
            lambda: proposals.get("/events/status").json()["listeners"][0]["seq"] == last_seq,
            message="the listener's cursor at the workflows hub's last seq",
        )
        with HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal") as hub:
            hub.invoke("Replay", [0])
            wait_until(lambda: hub.completions, message="Replay completed")
        decided = collections.Counter(
            event["id"] for target, event in hub.events if target == "OnUpdate" and ", status " in event["message"]
        )
        assert decided == {proposal_id: 1 for proposal_id, *_ in plan}, decided
    finally:
        suite.stop()


def converged(proposals: Api, plan: list[tuple[int, int, str, str]]) -> bool:
    """Every proposal of `plan` (proposal id, package id, action, expected state) has its decided
    status and no package linked any more."""
    for proposal_id, _, _, expected in plan:
        if proposals.get(f"/api/proposal/getStatus/{proposal_id}").json()["state"] != expected:
            return False
        if "packageId" in proposals.get(f"/api/proposal/getFromId/{proposal_id}").json():
            return False
    return True
