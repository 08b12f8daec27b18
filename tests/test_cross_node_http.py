"""The two nodes as real processes, talking over HTTP through the workflows gateway."""

from __future__ import annotations

from .client import Api


def create_proposal(proposals: Api, title: str = "Budget") -> dict:
    response = proposals.post("/api/proposal/save", {"title": title, "value": f"{title} proposal"})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def submit(proposals: Api, proposal: dict, **fields) -> dict:
    body = {"title": "Review", "value": "Please review", "entityId": proposal["id"], "entityType": "Proposal", **fields}
    response = proposals.post("/api/workflows/submitPackage", body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_a_new_proposal_has_its_created_status(proposals):
    proposal = create_proposal(proposals)
    status = proposals.get(f"/api/proposal/getStatus/{proposal['id']}").json()
    assert status["state"] == "Created" and status["entityId"] == proposal["id"]


def test_submit_through_the_proxy_lands_in_workflows(proposals, workflows):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    stored = workflows.get(f"/api/package/getActivePackage/{proposal['id']}/Proposal").json()
    assert stored["id"] == package["id"] and stored["state"] == "Pending"
    assert proposals.get(f"/api/workflows/getActivePackage/{proposal['id']}/Proposal").json()["id"] == package["id"]


def test_return_resubmit_approve(proposals, workflows):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    returned = workflows.post("/api/package/return", {"id": package["id"]})
    assert returned.json()["data"]["state"] == "Returned"
    resubmitted = submit(proposals, proposal, id=package["id"], value="Fixed")
    assert resubmitted["state"] == "Pending" and resubmitted["value"] == "Fixed"
    approved = workflows.post("/api/package/approve", {"id": package["id"]})
    assert approved.status_code == 200 and approved.json()["data"]["state"] == "Approved"
    again = workflows.post("/api/package/approve", {"id": package["id"]})
    assert again.status_code == 400 and "only a Pending package" in again.json()


def test_reject(proposals, workflows):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    rejected = workflows.post("/api/package/reject", {"id": package["id"]})
    assert rejected.json()["data"]["state"] == "Rejected"
    assert workflows.get(f"/api/package/getActivePackage/{proposal['id']}/Proposal").status_code == 204
    decided = proposals.get(f"/api/workflows/getPackagesByEntity/{proposal['id']}/Proposal").json()
    assert [package["id"] for package in decided] == [rejected.json()["data"]["id"]]


def test_a_second_active_package_is_refused_across_nodes(proposals):
    proposal = create_proposal(proposals)
    submit(proposals, proposal)
    body = {"value": "again", "entityId": proposal["id"], "entityType": "Proposal"}
    response = proposals.post("/api/workflows/submitPackage", body)
    assert response.status_code == 400 and "already has an active package" in response.json()


def test_removing_a_proposal_withdraws_its_active_package(proposals, workflows):
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)
    removed = proposals.delete("/api/proposal/remove", {"id": proposal["id"]})
    assert removed.status_code == 200 and removed.json()["data"] == proposal["id"]
    assert workflows.get(f"/api/package/getFromId/{package['id']}").status_code == 404
    assert proposals.get(f"/api/proposal/getFromId/{proposal['id']}").status_code == 404


def test_with_workflows_stopped_a_removal_fails_clearly_and_removes_nothing(suite, proposals):
    proposal = create_proposal(proposals)
    suite.workflows.stop()
    try:
        response = proposals.delete("/api/proposal/remove", {"id": proposal["id"]})
        assert response.status_code == 503
        assert response.json().startswith("prepare_remove failed: The workflows node cannot be reached")
        assert proposals.get(f"/api/proposal/getFromId/{proposal['id']}").status_code == 200
        assert proposals.get(f"/api/proposal/getStatus/{proposal['id']}").status_code == 200
        proxy = proposals.get("/api/workflows/getPackagesByType/Proposal")
        assert proxy.status_code == 503
    finally:
        suite.workflows.start()


def test_secured_gateway_between_real_nodes(secured_suite):
    proposals, workflows = Api(secured_suite.proposals.url), Api(secured_suite.workflows.url)
    proposal = create_proposal(proposals)
    package = submit(proposals, proposal)  # proposals presents its credential
    assert workflows.get("/gateway/").status_code == 401
    assert workflows.get("/gateway/", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert workflows.get("/gateway/", headers={"Authorization": "Bearer cross-node-secret"}).status_code == 403
    named = {"Authorization": "Bearer proposals:cross-node-secret"}  # a credential names its caller
    assert workflows.get("/gateway/", headers=named).status_code == 200
    removed = proposals.delete("/api/proposal/remove", {"id": proposal["id"]})
    assert removed.status_code == 200
    assert workflows.get(f"/api/package/getFromId/{package['id']}").status_code == 404
