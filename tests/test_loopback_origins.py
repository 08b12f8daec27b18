"""Issue 11, point 3: with DEBUG on, a page served from any other loopback origin (the original's apps on
http://localhost:3001 and 3002) may call a node and follow its hubs; with DEBUG=0, only the listed origins."""

from __future__ import annotations

import pytest

from .client import Api
from .nodes import free_port
from .people import hub_status


def loopback_origins() -> list[str]:
    port = free_port()
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}", f"http://[::1]:{port}", f"https://localhost:{port}"]


def preflight(url: str, origin: str):
    return Api(url).session.options(
        url + "/api/proposal/save",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-signalr-user-agent",
        },
        timeout=15,
    )


@pytest.mark.parametrize("origin", loopback_origins())
def test_in_debug_any_loopback_page_may_call_and_follow(suite, origin):
    answer = preflight(suite.proposals.url, origin)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    assert "content-type" in answer.headers["Access-Control-Allow-Headers"]
    negotiated = Api(suite.workflows.url).post(
        "/events/package/negotiate?negotiateVersion=1", headers={"Origin": origin}
    )
    assert negotiated.status_code == 200 and negotiated.headers["Access-Control-Allow-Origin"] == origin
    for node, hub in (("proposals", "/events/proposal"), ("workflows", "/events/package")):
        assert hub_status(suite.nodes[node].url + hub, {"Origin": origin}) == 101


@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost.evil.example:3001", "null"])
def test_in_debug_other_sites_still_may_not(suite, origin):
    answer = preflight(suite.proposals.url, origin)
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert hub_status(suite.proposals.url + "/events/proposal", {"Origin": origin}) == 403


def test_deployed_a_loopback_page_is_an_origin_like_any_other(closed_suite):
    origin = loopback_origins()[0]
    assert "Access-Control-Allow-Origin" not in preflight(closed_suite.proposals.url, origin).headers
    listener = {"Authorization": "Bearer proposals:closed-suite-secret", "Origin": origin}
    assert hub_status(closed_suite.workflows.url + "/events/package", listener) == 403
