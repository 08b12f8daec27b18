"""What ObservabilityMiddleware counts of each request: by route, method and status, in bounded series."""

from __future__ import annotations

from prometheus_client import generate_latest

MIDDLEWARE = "distributed_core.observability.middleware.ObservabilityMiddleware"


def samples(prefix: str) -> list[str]:
    return [line for line in generate_latest().decode().splitlines() if line.startswith(prefix)]


def test_a_request_is_counted_by_route_method_and_status_and_an_unknown_method_as_other(client, settings):
    settings.MIDDLEWARE = [MIDDLEWARE]
    settings.ROOT_URLCONF = "distributed_core.tests.route_views"
    client.generic("BREW", "/no/such/route")
    client.get("/no/such/route")
    counted = samples("dd_http_requests_total{")
    assert any('method="other",route="unmatched",status="404"' in line for line in counted)
    assert any('method="GET",route="unmatched",status="404"' in line for line in counted)
    assert not any('method="BREW"' in line for line in counted)  # a client's junk makes no series of its own
