"""Crash the proposals node while workflows decides: after a restart every effect happens exactly once."""

from __future__ import annotations

import collections

from .backlog import approve_packages_for, make_proposals, run_shell
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


COUNT_SAGA_UPDATES = """
import json
from collections import Counter
from distributed_core.models import Event, ListenerCursor
updates = Event.objects.filter(hub="proposal", target="OnUpdate").values_list("entity_id", "message")
kinds = Counter((pk, "linked" if "linked to package" in text else "decided") for pk, text in updates)
cursor = ListenerCursor.objects.filter(source="workflows/package").values_list("seq", flat=True).first()
print("BACKLOG:" + json.dumps({"cursor": cursor, "kinds": [[pk, kind, n] for (pk, kind), n in kinds.items()]}))
"""


def test_sigkill_during_a_batched_catch_up_then_restart_converges_exactly_once(tmp_path):
    """The listener is killed between batch commits of a long catch-up: no event is lost or applied twice."""
    suite = Suite(tmp_path, extra_env={"LISTENER_BATCH_SIZE": "20"}).start()
    try:
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        ids = make_proposals(suite.proposals, 200)
        suite.proposals.stop()  # its listener with it: the backlog piles up on workflows
        approve_packages_for(suite.workflows, ids)
        last_seq = workflows.get("/events/status").json()["hubs"][0]["lastSeq"]
        assert last_seq == 2 * len(ids)

        suite.proposals.start()
        wait_until(
            lambda: proposals.get("/events/status").json()["listeners"][0]["seq"] > 0,
            interval=0.005,
            message="the first batch committed",
        )
        suite.proposals.kill()  # SIGKILL mid catch-up: a batch may be half applied, uncommitted
        at_kill = run_shell(suite.proposals, COUNT_SAGA_UPDATES)["cursor"]
        assert 0 < at_kill < last_seq, f"the kill did not land mid catch-up (cursor {at_kill} of {last_seq})"

        suite.proposals.start()
        wait_until(
            lambda: proposals.get("/events/status").json()["listeners"][0]["seq"] == last_seq,
            timeout=60,
            message="caught up after the restart",
        )
        counted = run_shell(suite.proposals, COUNT_SAGA_UPDATES)
        kinds = {(pk, kind): n for pk, kind, n in counted["kinds"]}
        assert kinds == {(pk, kind): 1 for pk in ids for kind in ("linked", "decided")}
        statuses = {proposals.get(f"/api/proposal/getStatus/{pk}").json()["state"] for pk in ids[::20]}
        assert statuses == {"Active"}
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
