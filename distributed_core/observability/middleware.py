"""Each request's cause and metrics: what its events record as their cause, and what /metrics counts.

The OpenTelemetry middleware (installed by `tracing.setup_tracing`, first in the chain) has
already started the request's span, continuing its `traceparent` if it has one; this middleware
names the request (`POST /api/package/approve`) as the cause of the events it records, whose
trace id is that span's, and counts the request by route, method and status, with its latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ..events.log import Cause, caused_by
from ..metrics import REQUEST_SECONDS, REQUESTS

__all__ = ["ObservabilityMiddleware"]


class ObservabilityMiddleware:
    """Runs the view under the request's cause, then counts the answer (route, method, status, seconds)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The view's answer, its events caused by this request; the request counted once it is answered."""
        started = time.perf_counter()
        with caused_by(Cause(request=f"{request.method} {request.path[:200]}")):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else "unmatched"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, request.method).observe(time.perf_counter() - started)
        return response
