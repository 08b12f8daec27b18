"""Events across real node processes: the PackageSaga keeps proposals in sync with workflows."""

from __future__ import annotations

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import wait_until
from .test_cross_node_http import create_proposal, submit


@pytest.fixture
def proposal_hub(suite):
    with HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal") as client:
        yield client


def proposal_of(proposals: Api, proposal_id: int) -> dict:
    return proposals.get(f"/api/proposal/getFromId/{proposal_id}").json()


def status_of(proposals: Api, proposal_id: int) -> str:
    return proposals.get(f"/api/proposal/getStatus/{proposal_id}").json()["state"]


def saga_update(hub: HubClient, proposal_id: int, text: str):
    return hub.wait_for(
        lambda target, event: target == "OnUpdate" and event["id"] == proposal_id and text in event["message"],
        message=f"OnUpdate '{text}' for proposal {proposal_id}",
    )


def test_submit_links_the_package(proposals, proposal_hub):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    wait_until(lambda: proposal_of(proposals, proposal["id"]).get("packageId") == package["id"], message="link")
    saga_update(proposal_hub, proposal["id"], f"linked to package {package['id']}")


def test_approve_sets_the_status_to_the_package_result(proposals, workflows, proposal_hub):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal, result="Active")
    wait_until(lambda: proposal_of(proposals, proposal["id"]).get("packageId") == package["id"], message="link")
    workflows.post("/api/package/approve", {"id": package["id"]})
    wait_until(lambda: status_of(proposals, proposal["id"]) == "Active", message="status Active")
    assert "packageId" not in proposal_of(proposals, proposal["id"])
    saga_update(proposal_hub, proposal["id"], "status Active")


def test_the_status_reads_its_states_name_as_the_original_app_shows_it(proposals, workflows):
    proposal = create_proposal(proposals)
    assert proposals.get(f"/api/proposal/getStatus/{proposal['id']}").json()["value"] == "Created"
    package = submit(proposals, proposal, result="Active")
    workflows.post("/api/package/approve", {"id": package["id"]})
    wait_until(lambda: status_of(proposals, proposal["id"]) == "Active", message="status Active")
    assert proposals.get(f"/api/proposal/getStatus/{proposal['id']}").json()["value"] == "Active"  # set by the saga


def test_reject_sets_the_status_to_rejected(proposals, workflows, proposal_hub):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    workflows.post("/api/package/reject", {"id": package["id"]})
    wait_until(lambda: status_of(proposals, proposal["id"]) == "Rejected", message="status Rejected")
    wait_until(lambda: "packageId" not in proposal_of(proposals, proposal["id"]), message="unlinked")
    saga_update(proposal_hub, proposal["id"], "status Rejected")


def test_return_and_resubmit_keep_the_link_then_approve_with_inactive_result(proposals, workflows):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal, result="Inactive")
    workflows.post("/api/package/return", {"id": package["id"]})
    submit(proposals, proposal, id=package["id"], value="Fixed")
    workflows.post("/api/package/approve", {"id": package["id"]})
    wait_until(lambda: status_of(proposals, proposal["id"]) == "Inactive", message="status Inactive")


def test_withdraw_unlinks(proposals, proposal_hub):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    wait_until(lambda: proposal_of(proposals, proposal["id"]).get("packageId") == package["id"], message="link")
    assert proposals.post("/api/workflows/withdrawPackage", {"id": package["id"]}).status_code == 200
    wait_until(lambda: "packageId" not in proposal_of(proposals, proposal["id"]), message="unlinked")
    saga_update(proposal_hub, proposal["id"], "withdrawn")


def test_listener_status_is_visible(proposals, workflows):
    package = submit(proposals, create_proposal(proposals))  # at least one event, whatever ran before
    last_seq = workflows.get("/events/status").json()["hubs"][0]["lastSeq"]

    def caught_up():
        listeners = proposals.get("/events/status").json()["listeners"]
        return next((s for s in listeners if s["connected"] and s["seq"] >= last_seq), None)

    status = wait_until(caught_up, message=f"a connected listener at seq {last_seq} (package {package['id']})")
    assert status["source"] == "workflows/package" and status["lastError"] == ""
