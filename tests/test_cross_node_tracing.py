"""One trace per user action across real nodes: the events it causes, the hubs' messages and the timeline carry it."""

from __future__ import annotations

import secrets

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import Suite, stop_process, wait_until
from .people import token_api
from .test_cross_node_events import proposal_of, status_of
from .test_cross_node_http import create_proposal, submit
from .test_listener_standby import listen


def new_traceparent() -> tuple[str, str]:
    """A W3C traceparent with a fresh trace id, and that id."""
    trace_id = secrets.token_hex(16)
    return f"00-{trace_id}-{secrets.token_hex(8)}-01", trace_id


@pytest.fixture
def hubs(suite):
    with (
        HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal") as proposal_hub,
        HubClient(suite.workflows.url.replace("http", "ws") + "/events/package") as package_hub,
    ):
        yield proposal_hub, package_hub


def test_an_approve_is_one_trace_from_workflows_to_the_proposals_timeline(proposals, workflows, hubs):
    proposal_hub, package_hub = hubs
    proposal = create_proposal(proposals)
    submit_parent, submit_trace = new_traceparent()
    body = {"title": "Review", "value": "Please review", "entityId": proposal["id"], "entityType": "Proposal"}
    answer = proposals.post(
        "/api/workflows/submitPackage", {**body, "result": "Active"}, headers={"traceparent": submit_parent}
    )
    assert answer.status_code == 200, answer.text
    package = answer.json()["data"]
    wait_until(lambda: proposal_of(proposals, proposal["id"]).get("packageId") == package["id"], message="link")

    # the gateway call carried the trace: workflows' OnAdd and the saga's link on proposals belong to it
    added = package_hub.wait_for(lambda target, event: target == "OnAdd" and event["id"] == package["id"])[0][1]
    assert added["traceId"] == submit_trace
    linked = proposal_hub.wait_for(
        lambda target, event: target == "OnUpdate" and event["id"] == proposal["id"] and "linked" in event["message"]
    )[0][1]
    assert linked["traceId"] == submit_trace

    approve_parent, approve_trace = new_traceparent()
    answer = workflows.post("/api/package/approve", {"id": package["id"]}, headers={"traceparent": approve_parent})
    assert answer.status_code == 200, answer.text
    wait_until(lambda: status_of(proposals, proposal["id"]) == "Active", message="status Active")
    changed = package_hub.wait_for(lambda target, event: target == "OnStateChanged" and event["id"] == package["id"])
    state_changed = changed[0][1]
    assert state_changed["traceId"] == approve_trace
    updated = proposal_hub.wait_for(
        lambda target, event: target == "OnUpdate"
        and event["id"] == proposal["id"]
        and "status Active" in event["message"]
    )[0][1]
    assert updated["traceId"] == approve_trace

    timeline = proposals.get(f"/api/proposal/timeline/{proposal['id']}")
    assert timeline.status_code == 200, timeline.text
    entries = timeline.json()
    kinds = [(entry["kind"], entry["node"], entry["hub"], entry["seq"]) for entry in entries]
    added_here = entries[0]
    assert added_here["kind"] == "event" and added_here["target"] == "OnAdd"
    assert added_here["request"] == "POST /api/proposal/save"
    # submit: the package's OnAdd on workflows, then its effect here (the link), in that order, with the submit's trace
    submitted = kinds.index(("cause", "workflows", "package", added["seq"]))
    link = entries[submitted + 1]
    assert entries[submitted]["traceId"] == submit_trace and entries[submitted]["target"] == "OnAdd"
    assert link["seq"] == linked["seq"] and link["traceId"] == submit_trace
    assert link["causedBy"] == {"node": "workflows", "hub": "package", "seq": added["seq"]}
    # approve: the package's OnStateChanged, then the status change it caused here, with the approve's trace
    approved = kinds.index(("cause", "workflows", "package", state_changed["seq"]))
    assert approved > submitted + 1
    cause, effect = entries[approved], entries[approved + 1]
    assert cause["target"] == "OnStateChanged" and cause["traceId"] == approve_trace
    assert cause["message"] == state_changed["message"]
    assert effect["kind"] == "event" and effect["seq"] == updated["seq"] and effect["traceId"] == approve_trace
    assert "status Active" in effect["message"] and "actor" not in effect  # the saga acted for nobody
    assert effect["causedBy"] == {"node": "workflows", "hub": "package", "seq": state_changed["seq"]}


def test_a_request_without_traceparent_starts_its_own_trace(proposals):
    proposal = create_proposal(proposals)
    entries = proposals.get(f"/api/proposal/timeline/{proposal['id']}").json()
    assert len(entries) == 1 and len(entries[0]["traceId"]) == 32 and entries[0]["traceId"] != "0" * 32


def test_the_timeline_of_an_entity_without_events_is_empty(proposals):
    assert proposals.get("/api/proposal/timeline/999999").json() == []


def sample(node: Api, name: str) -> float:
    """The sum of the samples of `node`'s /metrics whose line starts with `name` (0 when none does)."""
    answer = node.get("/metrics")
    assert answer.status_code == 200, answer.text
    return sum(float(line.rsplit(" ", 1)[1]) for line in answer.text.splitlines() if line.startswith(name))


def test_metrics_count_requests_hub_connections_and_events(suite, proposals):
    def metric(name: str) -> float:
        return sample(proposals, name)

    answer = proposals.get("/metrics")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    appended = metric('dd_events_appended_total{hub="proposal"}')
    create_proposal(proposals)
    wait_until(lambda: metric('dd_events_appended_total{hub="proposal"}') >= appended + 1, message="event counted")
    assert metric('dd_http_requests_total{method="POST",route=') >= 1
    connections = metric('dd_hub_connections{hub="proposal"}')
    with HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal"):
        wait_until(lambda: metric('dd_hub_connections{hub="proposal"}') == connections + 1, message="connection")
    wait_until(lambda: metric('dd_hub_connections{hub="proposal"}') == connections, message="connection closed")
    assert 'dd_listener_lag_events{source="workflows/package"}' in proposals.get("/metrics").text
    wait_until(lambda: metric('dd_listener_connected{source="workflows/package"}') == 1, message="listener connected")


def test_the_timeline_and_metrics_of_a_closed_node_refuse_who_may_not_read(closed_suite):
    url = closed_suite.proposals.url
    proposal = token_api(url, "proposer").post("/api/proposal/save", {"title": "Closed", "value": "Closed proposal"})
    assert proposal.status_code == 200, proposal.text
    path = f"/api/proposal/timeline/{proposal.json()['data']['id']}"
    assert token_api(url, "stranger").get(path).status_code == 403
    assert Api(url).get(path).status_code in (401, 403)
    entries = token_api(url, "viewer").get(path).json()
    assert entries[0]["actor"] == "proposer" and entries[0]["target"] == "OnAdd"
    assert token_api(url, "stranger").get("/metrics").status_code == 403
    assert Api(url).get("/metrics").status_code in (401, 403)


def test_listener_lag_rises_while_the_listener_is_stopped_and_the_restarted_listener_keeps_causes_right(tmp_path):
    suite = Suite(tmp_path, service_token=secrets.token_urlsafe(32), extra_env={"RUN_LISTENERS": "0"}).start()
    proposals = Api(suite.proposals.url)

    def metric(name: str) -> float:
        return sample(proposals, name + '{source="workflows/package"}')

    listener = listen(suite, tmp_path / "listen-1.log")
    try:
        wait_until(lambda: metric("dd_listener_connected") == 1, timeout=30, message="listener connected")
        proposal = create_proposal(proposals)
        submit(proposals, proposal)
        wait_until(lambda: proposal_of(proposals, proposal["id"]).get("packageId"), timeout=20, message="saga applied")
        assert (metric("dd_listener_lag_events"), metric("dd_listener_lag_seconds")) == (0, 0)

        stop_process(listener)
        wait_until(lambda: metric("dd_listener_connected") == 0, message="listener disconnected")
        missed = {}  # three packages submitted on workflows, each in a trace of its own: events the listener misses
        for n in range(3):
            parent, trace_id = new_traceparent()
            proposal = create_proposal(proposals, f"Missed {n}")
            body = {"title": "Review", "value": "v", "entityId": proposal["id"], "entityType": "Proposal"}
            answer = proposals.post("/api/workflows/submitPackage", body, headers={"traceparent": parent})
            assert answer.status_code == 200, answer.text
            missed[proposal["id"]] = trace_id
        assert metric("dd_listener_lag_events") == 3 and metric("dd_listener_source_up") == 1
        first = metric("dd_listener_lag_seconds")
        wait_until(lambda: metric("dd_listener_lag_seconds") > first, message="lag in seconds rising")

        listener = listen(suite, tmp_path / "listen-2.log")
        wait_until(lambda: metric("dd_listener_lag_events") == 0, timeout=30, message="caught up")
        assert metric("dd_listener_lag_seconds") == 0 and metric("dd_listener_connected") == 1
        # what the restarted listener applied names the remote event that caused it, in that event's trace
        for proposal_id, trace_id in missed.items():
            entries = proposals.get(f"/api/proposal/timeline/{proposal_id}").json()
            [cause] = [entry for entry in entries if entry["kind"] == "cause"]
            effect = entries[entries.index(cause) + 1]
            assert (cause["traceId"], cause["target"], effect["traceId"]) == (trace_id, "OnAdd", trace_id)
            assert effect["causedBy"] == {"node": "workflows", "hub": "package", "seq": cause["seq"]}
    finally:
        stop_process(listener)
        suite.stop()
