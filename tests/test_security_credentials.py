"""Service credentials between real nodes (DEBUG=0): rotated without downtime, and never written to a log."""

from __future__ import annotations

import pytest

from .client import Api
from .nodes import Suite, wait_until
from .people import hub_status

OLD, NEW = "old-rotation-secret", "new-rotation-secret"


@pytest.fixture(scope="module")
def rotating(tmp_path_factory):
    """Workflows accepts proposals' old and new secrets; proposals presents the old one. The API is open
    (ALLOW_ANONYMOUS=1: this is about the nodes' credentials, not people); the servers' access logs are on."""
    suite = Suite(
        tmp_path_factory.mktemp("rotating"), service_token=OLD, debug=False, extra_env={"ALLOW_ANONYMOUS": "1"}
    )
    suite.workflows.env["SERVICE_TOKENS"] = f"proposals:{OLD},proposals:{NEW}"
    for node in suite.nodes.values():
        node.access_log = True
    suite.start()
    yield suite
    suite.stop()


def gateway_status(suite: Suite, credential: str) -> int:
    return Api(suite.workflows.url).get("/gateway/", headers={"Authorization": f"Bearer {credential}"}).status_code


def submit_and_see_it_linked(suite: Suite) -> None:
    """A package submitted through proposals' proxy (its gateway credential), linked by its saga (its listener's)."""
    proposals = Api(suite.proposals.url)
    proposal = proposals.post("/api/proposal/save", {"title": "Rotate", "value": "v"}).json()["data"]
    body = {"value": "v", "entityId": proposal["id"], "entityType": "Proposal"}
    submitted = proposals.post("/api/workflows/submitPackage", body)
    assert submitted.status_code == 200, submitted.text
    package_id = submitted.json()["data"]["id"]
    wait_until(
        lambda: proposals.get(f"/api/proposal/getFromId/{proposal['id']}").json().get("packageId") == package_id,
        timeout=30,
        message="the package linked to its proposal by the PackageSaga",
    )


def restart(node, **env: str) -> None:
    node.stop()
    node.env.update(env)
    node.start()


def test_rotation_old_and_new_both_accepted_then_only_the_new(rotating):
    hub = rotating.workflows.url + "/events/package"
    # 1. the receiving node accepts both
    for credential in (f"proposals:{OLD}", f"proposals:{NEW}"):
        assert gateway_status(rotating, credential) == 200
        assert hub_status(hub, {"Authorization": f"Bearer {credential}"}) == 101
    submit_and_see_it_linked(rotating)  # proposals still presents the old one
    # 2. the calling node switches to the new one
    restart(rotating.proposals, WORKFLOWS_GATEWAY_TOKEN=f"proposals:{NEW}")
    submit_and_see_it_linked(rotating)
    # 3. the receiving node drops the old one
    restart(rotating.workflows, SERVICE_TOKENS=f"proposals:{NEW}")
    assert gateway_status(rotating, f"proposals:{OLD}") == 403
    assert hub_status(hub, {"Authorization": f"Bearer proposals:{OLD}"}) == 403
    assert gateway_status(rotating, f"proposals:{NEW}") == 200
    submit_and_see_it_linked(rotating)  # the listener reconnected with the new one
    log = rotating.workflows.log_path.read_text()
    for used in ("(credential 1 of 2)", "(credential 2 of 2)", "(credential 1 of 1)"):
        assert f"Gateway: proposals {used}" in log


def test_credentials_never_reach_the_logs(rotating):
    node = rotating.workflows
    leaked = "leaked-secret-that-must-not-be-logged"
    Api(node.url).get(f"/gateway/?access_token=proposals:{NEW}")  # the access log line
    Api(node.url).get(f"/gateway/?access_token={leaked}", headers={"Authorization": f"Bearer {leaked}"})
    assert hub_status(node.url + f"/events/package?access_token=proposals:{NEW}") == 101  # the WebSocket line
    assert hub_status(node.url + f"/events/package?access_token={leaked}") == 403
    assert hub_status(node.url + "/events/package", {"Authorization": f"Token {leaked}"}) == 403
    wait_until(lambda: node.log_path.read_text().count("WebSocket /events/package") >= 3, message="the lines logged")
    logs = "".join(n.log_path.read_text() for n in rotating.nodes.values())
    assert "access_token=[redacted]" in logs
    for secret in (OLD, NEW, leaked):
        assert secret not in logs
