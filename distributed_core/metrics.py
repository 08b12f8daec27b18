"""The node's Prometheus metrics, declared once: what the event log, hubs, gateway client and requests count.

`/metrics` (distributed_core.observability.metrics) serves them with what is read from the
database when it is scraped (listener lag, parked events), in Prometheus text format.

With several worker processes (gunicorn, several ASGI servers), each process counts its own:
set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared by a node's processes (cleared
before they start) and prometheus-client's multiprocess mode adds them up at scrape time; the
hub connection gauge then sums the live processes' values (`livesum`).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "EVENTS_APPENDED",
    "GATEWAY_CALLS",
    "GATEWAY_CALL_SECONDS",
    "HUB_CONNECTIONS",
    "REFUSED_SIGN_INS",
    "REQUESTS",
    "REQUEST_SECONDS",
]

REQUESTS = Counter(
    "dd_http_requests", "HTTP requests answered, by route, method and status", ["route", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "dd_http_request_duration_seconds",
    "How long requests took to answer, by route and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HUB_CONNECTIONS = Gauge(
    "dd_hub_connections", "Connections open on each hub (this node's)", ["hub"], multiprocess_mode="livesum"
)
EVENTS_APPENDED = Counter("dd_events_appended", "Events appended to each hub's log (counted at commit)", ["hub"])
GATEWAY_CALLS = Counter(
    "dd_gateway_calls",
    "Calls to other nodes' gateways, by node and outcome (ok, refused, failed, unavailable)",
    ["node", "outcome"],
)
GATEWAY_CALL_SECONDS = Histogram(
    "dd_gateway_call_duration_seconds",
    "How long calls to other nodes' gateways took, by node",
    ["node"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
REFUSED_SIGN_INS = Counter("dd_refused_sign_ins", "Sign-ins refused (token or login with wrong credentials)")
