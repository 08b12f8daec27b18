"""Each request's cause and metrics: what its events record as their cause, and what /metrics counts.

When spans are exported, the OpenTelemetry Django middleware (installed by
`tracing.setup_tracing`, first in the chain) has already started the request's span, continuing
its `traceparent` if it has one; otherwise this middleware continues or starts the request's
trace context itself (a span that records nothing; see `tracing`). Then it names the request
(`POST /api/package/approve`) as the cause of the events it records, whose trace id is that
span's, and counts the request by route, method and status, with its latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from opentelemetry import context, propagate, trace
from opentelemetry.instrumentation.wsgi import wsgi_getter

from ..events.log import Cause, caused_by
from ..metrics import REQUEST_SECONDS, REQUESTS
from . import tracing

__all__ = ["ObservabilityMiddleware"]


_tracers: list[trace.Tracer] = []


def _tracer() -> trace.Tracer:
    """The middleware's tracer, asked for once (asking the provider each time costs more than the span)."""
    if not _tracers:
        _tracers.append(trace.get_tracer("distributed_core.observability"))
    return _tracers[0]


class ObservabilityMiddleware:
    """Runs the view under the request's cause, then counts the answer (route, method, status, seconds)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The view's answer, its events caused by this request; the request counted once it is answered."""
        started = time.perf_counter()
        token = span = None
        if not tracing.server_spans:  # continue the caller's trace (or start one), recording nothing
            span = _tracer().start_span(request.method, propagate.extract(request.META, getter=wsgi_getter))
            token = context.attach(trace.set_span_in_context(span))
        try:
            with caused_by(Cause(request=f"{request.method} {request.path[:200]}")):
                response = self.get_response(request)
        finally:
            if span is not None:
                context.detach(token)
                span.end()
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else "unmatched"
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(route, request.method).observe(time.perf_counter() - started)
        return response
