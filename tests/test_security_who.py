"""Who did it, across real nodes (DEBUG=0): the proxy acts for its signed-in user, workflows records that user,
and a browser cannot claim to be someone else."""

from __future__ import annotations

from .client import Api
from .people import json_of, token_api

NEW = {"title": "Review", "value": "Please review", "entityType": "Proposal"}


def submit(closed_suite, username: str, **headers) -> dict:
    proposals = token_api(closed_suite.proposals.url, username)
    proposal = proposals.post("/api/proposal/save", {"title": "Budget", "value": "Spend less"}).json()["data"]
    answer = proposals.post("/api/workflows/submitPackage", {**NEW, "entityId": proposal["id"]}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_the_submitter_and_the_decider_are_recorded_and_shown_everywhere(closed_suite):
    package = submit(closed_suite, "proposer", **{"X-On-Behalf-Of": "boss"})  # a claim the proxy ignores
    assert package["submittedBy"] == "proposer" and "decidedBy" not in package
    approved = token_api(closed_suite.workflows.url, "approver").post("/api/package/approve", {"id": package["id"]})
    decided = approved.json()["data"]
    assert decided["submittedBy"] == "proposer" and decided["decidedBy"] == "approver" and decided["decidedAt"]
    history = token_api(closed_suite.proposals.url, "viewer").get(
        f"/api/workflows/getPackagesByEntity/{package['entityId']}/Proposal"
    )
    assert [(p["submittedBy"], p["decidedBy"]) for p in history.json()] == [("proposer", "approver")]


def test_a_browser_cannot_forge_who_it_acts_for_at_the_gateway(closed_suite):
    gateway = Api(closed_suite.workflows.url)
    body = {**NEW, "entityId": 999}
    for headers, status in (
        ({"X-On-Behalf-Of": "boss"}, 403),
        ({"X-On-Behalf-Of": "boss", "Authorization": "Bearer proposals:forged"}, 403),
        ({}, 401),
    ):
        refused = gateway.post("/gateway/submitPackage", body, headers=headers)
        assert refused.status_code == status and isinstance(json_of(refused), str)
    assert token_api(closed_suite.workflows.url, "viewer").get("/api/package/getByEntity/999/Proposal").json() == []
    viewer = token_api(closed_suite.workflows.url, "viewer")
    assert viewer.get("/api/package/getActivePackage/999/Proposal").status_code == 204  # nothing was written


def test_the_gateway_log_names_the_calling_node_never_its_secret(closed_suite):
    submit(closed_suite, "proposer")
    log = closed_suite.workflows.log_path.read_text()
    assert "Gateway: proposals (credential 1 of 1) on behalf of proposer calls POST /gateway/submitPackage" in log
    assert "closed-suite-secret" not in log
