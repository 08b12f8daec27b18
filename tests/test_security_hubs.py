"""Both hubs as deployed (DEBUG=0): who is admitted, refused before accept, and negotiate says the same."""

from __future__ import annotations

import pytest

from .client import Api
from .nodes import wait_until
from .people import cookie_header, hub_status, session_api, token_of

HUBS = {"proposals": "/events/proposal", "workflows": "/events/package"}
SECRET = "closed-suite-secret"  # the closed suite's service credential (each node accepts the other's)


@pytest.fixture(scope="module")
def hubs(closed_suite) -> dict[str, str]:
    return {name: closed_suite.nodes[name].url + path for name, path in HUBS.items()}


@pytest.mark.parametrize("node", HUBS)
def test_nobody_is_refused(hubs, node):
    assert hub_status(hubs[node]) == 403
    assert Api(hubs[node]).post("/negotiate?negotiateVersion=1").status_code == 401


@pytest.mark.parametrize("node", HUBS)
def test_a_signed_in_browser_needs_the_view_permission(hubs, closed_suite, node):
    url = closed_suite.nodes[node].url
    origin = {"Origin": url}
    for username, status in (
        ("stranger", 403),
        ("viewer", 101),
        ("approver" if node == "workflows" else "proposer", 101),
    ):
        browser = session_api(url, username)
        assert hub_status(hubs[node], {**origin, "Cookie": cookie_header(browser)}) == status, username
        negotiated = browser.post(HUBS[node] + "/negotiate?negotiateVersion=1", headers=origin)
        assert negotiated.status_code == (200 if status == 101 else 403)


@pytest.mark.parametrize("node", HUBS)
def test_an_api_client_with_a_token(hubs, closed_suite, node):
    url = closed_suite.nodes[node].url
    assert hub_status(hubs[node], {"Authorization": f"Token {token_of(url, 'viewer')}"}) == 101
    assert hub_status(hubs[node], {"Authorization": f"Token {token_of(url, 'stranger')}"}) == 403


@pytest.mark.parametrize("node", HUBS)
def test_a_listener_needs_a_valid_service_credential(hubs, node):
    other = "workflows" if node == "proposals" else "proposals"
    assert hub_status(hubs[node], {"Authorization": f"Bearer {other}:{SECRET}"}) == 101
    assert hub_status(hubs[node] + f"?access_token={other}:{SECRET}") == 101  # the JS client's way
    assert hub_status(hubs[node], {"Authorization": f"Bearer {other}:wrong"}) == 403
    assert hub_status(hubs[node], {"Authorization": f"Bearer {node}:{SECRET}"}) == 403  # not its own credential


@pytest.mark.parametrize("node", HUBS)
def test_dns_rebinding_and_foreign_pages_are_refused(hubs, closed_suite, node):
    other = "workflows" if node == "proposals" else "proposals"
    listener = {"Authorization": f"Bearer {other}:{SECRET}"}
    port = closed_suite.nodes[node].port
    assert (
        hub_status(hubs[node], {**listener, "Origin": f"http://evil.example:{port}"}, host=f"evil.example:{port}")
        == 403
    )
    assert hub_status(hubs[node], {**listener, "Origin": "http://evil.example"}) == 403
    assert hub_status(hubs[node], {**listener, "Origin": f"http://localhost:{port + 1}"}) == 403  # no loopback pass
    browser = session_api(closed_suite.nodes[node].url, "viewer")
    assert hub_status(hubs[node], {"Origin": "http://evil.example", "Cookie": cookie_header(browser)}) == 403


def test_the_proposals_listener_follows_the_closed_workflows_hub(closed_suite):
    status = Api(closed_suite.proposals.url)
    monitor = {"Authorization": f"Bearer workflows:{SECRET}"}  # a service credential may read the status

    def connected():
        return status.get("/events/status", headers=monitor).json()["listeners"][0]["connected"]

    wait_until(connected, timeout=20, message="the proposals listener connected to the closed workflows hub")


def test_events_status_needs_a_permitted_user_or_a_credential(closed_suite):
    status = Api(closed_suite.proposals.url)
    assert status.get("/events/status").status_code == 401
    viewer = {"Authorization": f"Token {token_of(closed_suite.proposals.url, 'viewer')}"}
    refused = status.get("/events/status", headers=viewer)
    assert refused.status_code == 403 and "distributed_core.view_listenercursor" in refused.json()
