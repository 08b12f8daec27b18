"""Faults between the nodes (tests/faults.py's proxy; SIGSTOP; SIGKILL): nothing lost, nothing doubled, no lock held.

The proposals node reaches workflows, its gateway calls and its listener alike, only through a
FaultProxy, with short gateway timeouts so that a black hole costs seconds, not minutes.
"""

from __future__ import annotations

import collections
import contextlib
import signal
import statistics
import threading
import time
from collections.abc import Iterator

from .client import Api
from .faults import FaultProxy
from .hub_client import HubClient
from .nodes import Suite, wait_until
from .test_cross_node_http import create_proposal, submit
from .test_durability import converged

CONNECT_TIMEOUT, READ_TIMEOUT = 1.0, 3.0  # the proposals node's GATEWAY_TIMEOUT here
MARGIN = 2.0  # seconds a loaded machine may add to an answer bounded by the gateway timeout


@contextlib.contextmanager
def linked_suite(tmp_path) -> Iterator[tuple[Suite, FaultProxy]]:
    """Both nodes; proposals reaches workflows only through the yielded FaultProxy."""
    suite = Suite(tmp_path, extra_env={"GATEWAY_TIMEOUT": f"{CONNECT_TIMEOUT},{READ_TIMEOUT}"})
    with FaultProxy(target_port=suite.workflows.port) as link:
        suite.proposals.env["WORKFLOWS_GATEWAY_URL"] = link.url
        try:
            yield suite.start(), link
        finally:
            suite.stop()


def listener_seq(proposals: Api) -> int:
    return proposals.get("/events/status").json()["listeners"][0]["seq"]


def hub_last_seq(workflows: Api) -> int:
    return workflows.get("/events/status").json()["hubs"][0]["lastSeq"]


def saga_effects(suite: Suite) -> collections.Counter:
    """(proposal id, effect) -> how many times the saga announced it on the proposal hub, from its whole log."""
    with HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal") as hub:
        hub.invoke("Replay", [0])
        wait_until(lambda: hub.completions, message="Replay completed")
    effects: collections.Counter = collections.Counter()
    for target, event in hub.events:
        if target != "OnUpdate":
            continue
        if "linked to package" in event["message"]:
            effects[(event["id"], "linked")] += 1
        elif ", status " in event["message"]:
            effects[(event["id"], "decided")] += 1
    return effects


def decide_all(workflows: Api, plan: list[tuple[int, int, str, str]]) -> None:
    for _, package_id, action, _ in plan:
        assert workflows.post(f"/api/package/{action}", {"id": package_id}).status_code == 200


def assert_exactly_once(suite: Suite, plan: list[tuple[int, int, str, str]]) -> None:
    proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
    wait_until(
        lambda: listener_seq(proposals) == hub_last_seq(workflows), message="the cursor at the workflows hub's last seq"
    )
    expected = {(proposal_id, effect): 1 for proposal_id, *_ in plan for effect in ("linked", "decided")}
    assert saga_effects(suite) == expected


def test_a_listener_behind_a_flapping_link_applies_every_event_exactly_once(tmp_path):
    with linked_suite(tmp_path) as (suite, link):
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        plan = []
        for index in range(12):
            proposal = create_proposal(proposals, f"Flap {index}")
            package = submit(proposals, proposal, result="Active")
            action, expected = ("approve", "Active") if index % 2 else ("reject", "Rejected")
            plan.append((proposal["id"], package["id"], action, expected))
        wait_until(lambda: listener_seq(proposals) == hub_last_seq(workflows), message="every package linked")

        connections = link.accepted
        with link.flapping(period=0.15):
            decide_all(workflows, plan)  # straight to workflows: only the listener's link flaps
            wait_until(lambda: link.accepted >= connections + 3, timeout=30, message="the listener reconnecting")

        wait_until(lambda: converged(proposals, plan), timeout=60, interval=0.2, message="every proposal decided")
        assert_exactly_once(suite, plan)


def test_gateway_calls_into_a_black_hole_answer_503_within_the_timeout_and_change_nothing(tmp_path):
    with linked_suite(tmp_path) as (suite, link):
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        proposal, other = create_proposal(proposals, "Held"), create_proposal(proposals, "Other")
        package = submit(proposals, proposal)

        link.blackhole()
        started = time.monotonic()
        removed = proposals.delete("/api/proposal/remove", {"id": proposal["id"]})
        took = time.monotonic() - started
        assert removed.status_code == 503, removed.text
        assert "The workflows node cannot be reached" in removed.json()
        assert took <= CONNECT_TIMEOUT + READ_TIMEOUT + MARGIN, took
        started = time.monotonic()
        submitted = proposals.post(
            "/api/workflows/submitPackage", {"value": "v", "entityId": other["id"], "entityType": "Proposal"}
        )
        assert submitted.status_code == 503 and time.monotonic() - started <= CONNECT_TIMEOUT + READ_TIMEOUT + MARGIN

        # nothing changed on either side
        assert proposals.get(f"/api/proposal/getFromId/{proposal['id']}").status_code == 200
        assert proposals.get(f"/api/proposal/getStatus/{proposal['id']}").json()["state"] == "Created"
        assert workflows.get(f"/api/package/getActivePackage/{proposal['id']}/Proposal").json()["id"] == package["id"]
        assert workflows.get(f"/api/package/getActivePackage/{other['id']}/Proposal").status_code == 204

        link.heal()
        assert proposals.delete("/api/proposal/remove", {"id": proposal["id"]}).status_code == 200
        assert workflows.get(f"/api/package/getFromId/{package['id']}").status_code == 404


def test_a_node_killed_mid_replay_converges_after_its_restart(tmp_path):
    with linked_suite(tmp_path) as (suite, link):
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        created = [create_proposal(proposals, f"Replay {index}") for index in range(40)]
        wait_until(lambda: listener_seq(proposals) == hub_last_seq(workflows), message="the listener in step")
        before = listener_seq(proposals)
        suite.proposals.stop()

        plan = []  # 80 events behind: each package submitted, then decided, while proposals is down
        for index, proposal in enumerate(created):
            body = {"value": "v", "entityId": proposal["id"], "entityType": "Proposal", "result": "Inactive"}
            package = workflows.post("/api/package/save", body).json()["data"]
            plan.append((proposal["id"], package["id"], "approve" if index % 2 else "reject", ""))
        decide_all(workflows, plan)
        plan = [(p, k, action, "Inactive" if action == "approve" else "Rejected") for p, k, action, _ in plan]
        last = hub_last_seq(workflows)

        link.delay(0.02, chunk=256)  # a slow link: the replay takes seconds
        suite.proposals.start()
        wait_until(lambda: before < listener_seq(proposals) < last, timeout=30, interval=0.02, message="mid-replay")
        suite.proposals.kill()  # SIGKILL in the middle of the replay

        link.heal()
        suite.proposals.start()
        wait_until(lambda: converged(proposals, plan), timeout=60, interval=0.2, message="every proposal decided")
        assert_exactly_once(suite, plan)


def test_with_workflows_hung_removes_answer_503_and_every_other_request_stays_fast(tmp_path):
    with linked_suite(tmp_path) as (suite, _link):
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        held = [create_proposal(proposals, f"Hung {index}") for index in range(4)]
        packages = {proposal["id"]: submit(proposals, proposal)["id"] for proposal in held}
        usual = [timed(lambda: create_proposal(proposals, "Usual")) for _ in range(5)]

        suite.workflows.process.send_signal(signal.SIGSTOP)
        try:
            removals: dict[int, tuple[int, float]] = {}

            def remove(proposal_id: int) -> None:
                started = time.monotonic()
                answer = Api(suite.proposals.url).delete("/api/proposal/remove", {"id": proposal_id})
                removals[proposal_id] = (answer.status_code, time.monotonic() - started)

            threads = [threading.Thread(target=remove, args=(proposal["id"],)) for proposal in held]
            for thread in threads:
                thread.start()
            meanwhile = []  # saves and reads while the four removals wait on the hung node
            while any(thread.is_alive() for thread in threads):
                meanwhile.append(timed(lambda: create_proposal(proposals, "Meanwhile")))
                meanwhile.append(timed(lambda: proposals.get(f"/api/proposal/getStatus/{held[0]['id']}")))
                meanwhile.append(timed(lambda: proposals.get("/api/proposal/get")))
            for thread in threads:
                thread.join(timeout=30)
        finally:
            suite.workflows.process.send_signal(signal.SIGCONT)

        assert len(meanwhile) >= 6
        assert max(meanwhile) < 2.0, f"usual {statistics.median(usual):.3f} s, meanwhile {sorted(meanwhile)[-5:]}"
        assert all(status == 503 for status, _ in removals.values()), removals
        assert all(took <= CONNECT_TIMEOUT + READ_TIMEOUT + MARGIN for _, took in removals.values()), removals
        for proposal in held:  # nothing changed
            assert proposals.get(f"/api/proposal/getFromId/{proposal['id']}").status_code == 200
            active = workflows.get(f"/api/package/getActivePackage/{proposal['id']}/Proposal").json()
            assert active["id"] == packages[proposal["id"]]


def timed(call) -> float:
    """Seconds `call()` took; it must answer 200."""
    started = time.monotonic()
    result = call()
    took = time.monotonic() - started
    status = getattr(result, "status_code", 200)
    assert status == 200, getattr(result, "text", result)
    return took
