"""Retries across nodes are safe (issue 18.4): an answer lost after workflows committed never makes two packages.

Proposals reaches workflows through a FaultProxy (tests/faults.py) that lets the submit through
and holds its answer: workflows has committed the package and answered, and proposals has not
heard it. Then the connection is reset (the answer is lost on the way), or workflows is killed
(SIGKILL) before the reset: the node that acted is gone, and comes back from its database.
"""

from __future__ import annotations

import threading
import uuid

from .client import Api
from .faults import FaultProxy
from .nodes import Suite
from .test_cross_node_http import create_proposal
from .test_faults import linked_suite

HELD = 20.0  # seconds a step may take on a loaded machine


def package_body(proposal: dict) -> dict:
    return {"title": "Review", "value": "Please review", "entityId": proposal["id"], "entityType": "Proposal"}


def packages_of(workflows: Api, proposal: dict) -> list[dict]:
    packages = workflows.get("/api/package/getByType/Proposal").json()
    return [package for package in packages if package["entityId"] == proposal["id"]]


def submit_in_background(proposals: Api, body: dict, headers: dict[str, str]) -> tuple[threading.Thread, dict]:
    """POST the submit through proposals' proxy in a thread (it waits on the held answer); the answer: in the dict."""
    answered: dict = {}

    def submit() -> None:
        answered["response"] = proposals.post("/api/workflows/submitPackage", body, headers=headers)

    thread = threading.Thread(target=submit, daemon=True)
    thread.start()
    return thread, answered


def hold_the_submit_s_answer(link: FaultProxy):
    return link.hold_answer(b"POST /gateway/submitPackage")


def test_an_answer_lost_on_the_way_back_is_asked_for_again_and_the_package_is_made_once(tmp_path):
    with linked_suite(tmp_path) as (suite, link):
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        proposal = create_proposal(proposals, "Lost answer")
        held = hold_the_submit_s_answer(link)
        thread, answered = submit_in_background(proposals, package_body(proposal), {})  # the caller sends no key
        assert held.arrived.wait(HELD), "workflows answered the submit"
        held.drop()  # the answer is lost: proposals' gateway client sends the submit again, with the same key
        thread.join(HELD)

        response = answered["response"]
        assert response.status_code == 200, response.text
        (package,) = packages_of(workflows, proposal)
        assert response.json()["data"]["id"] == package["id"]


def test_workflows_killed_between_its_commit_and_its_answer_submits_once_and_the_retry_succeeds(tmp_path):
    with linked_suite(tmp_path) as (suite, link):
        proposals, workflows = Api(suite.proposals.url), Api(suite.workflows.url)
        proposal = create_proposal(proposals, "Killed mid-call")
        body, key = package_body(proposal), {"Idempotency-Key": str(uuid.uuid4())}
        held = hold_the_submit_s_answer(link)
        thread, answered = submit_in_background(proposals, body, key)
        assert held.arrived.wait(HELD), "workflows answered the submit"
        suite.workflows.kill()  # SIGKILL: the package and the answer are committed; the answer never left
        held.drop()
        thread.join(HELD)
        failed = answered["response"]
        assert failed.status_code == 503 and failed.json() == "The workflows node cannot be reached", failed.text

        suite.workflows.start()  # the same port and database
        retried = proposals.post("/api/workflows/submitPackage", body, headers=key)
        assert retried.status_code == 200, retried.text
        (package,) = packages_of(workflows, proposal)
        assert retried.json()["data"]["id"] == package["id"] and package["state"] == "Pending"

        # what the caller's retry met without the key (issue 18.4: "already has an active package")
        unkeyed = proposals.post("/api/workflows/submitPackage", body)
        assert unkeyed.status_code == 400 and "already has an active package" in unkeyed.json()
        assert len(packages_of(workflows, proposal)) == 1


def test_a_decision_sent_again_with_its_key_across_a_restart_is_answered_as_the_first_time(tmp_path):
    suite = Suite(tmp_path).start()
    try:
        workflows = Api(suite.workflows.url)
        body = {"value": "Decide", "entityId": 7, "entityType": "Proposal"}
        package = workflows.post("/api/package/save", body).json()["data"]
        key = {"Idempotency-Key": "approve-7"}
        approved = workflows.post("/api/package/approve", {"id": package["id"]}, headers=key)
        assert approved.status_code == 200, approved.text

        suite.workflows.kill()
        suite.workflows.start()
        again = workflows.post("/api/package/approve", {"id": package["id"]}, headers=key)
        assert again.status_code == 200 and again.content == approved.content
        assert again.headers["Idempotent-Replayed"] == "true"
        unkeyed = workflows.post("/api/package/approve", {"id": package["id"]})
        assert unkeyed.status_code == 400  # approving it again would have been refused
    finally:
        suite.stop()
