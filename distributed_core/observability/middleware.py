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
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import INVALID_SPAN_CONTEXT, NonRecordingSpan, SpanContext, TraceFlags

from ..events.log import Cause, caused_by
from ..metrics import REQUEST_SECONDS, REQUESTS
from . import tracing

__all__ = ["ObservabilityMiddleware"]


_tracers: list[trace.Tracer] = []
_ids = RandomIdGenerator()
_NOT_SAMPLED = TraceFlags(TraceFlags.DEFAULT)
_samples: dict[tuple[str, str, int], tuple] = {}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _tracer() -> trace.Tracer:
    """The middleware's tracer, asked for once (asking the provider each time costs more than the span)."""
    if not _tracers:
        _tracers.append(trace.get_tracer("distributed_core.observability"))
    return _tracers[0]


class UnrecordedSpan(NonRecordingSpan):
    """The request's span when nothing records spans: what the SDK's tracer makes under its ALWAYS_OFF sampler.

    It continues the `traceparent`'s trace (its trace id and state, a new span id, not sampled),
    or starts one, without the sampler's and the tracer's work. And only when something asks for
    its context (an event recorded, a gateway call, a log line): most reads need none, and
    reading the header and making ids is most of what a trace costs a request that goes nowhere.
    """

    def __init__(self, meta: dict) -> None:
        super().__init__(INVALID_SPAN_CONTEXT)
        self._meta = meta
        self._made = False

    def get_span_context(self) -> SpanContext:
        """The span's context, made the first time it is asked for."""
        if not self._made:
            self._made = True
            parent = trace.get_current_span(propagate.extract(self._meta, getter=wsgi_getter)).get_span_context()
            trace_id = parent.trace_id if parent.is_valid else _ids.generate_trace_id()
            state = parent.trace_state if parent.is_valid else None
            self._context = SpanContext(
                trace_id, _ids.generate_span_id(), is_remote=False, trace_flags=_NOT_SAMPLED, trace_state=state
            )
        return self._context


class ObservabilityMiddleware:
    """Runs the view under the request's cause, then counts the answer (route, method, status, seconds)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The view's answer, its events caused by this request; the request counted once it is answered."""
        started = time.perf_counter()
        token = span = None
        if not tracing.server_spans:  # continue the caller's trace (or start one), recording nothing
            if tracing.recording:  # OTEL_TRACES_SAMPLER set without an exporter: the tracer's span, as configured
                span = _tracer().start_span(request.method, propagate.extract(request.META, getter=wsgi_getter))
            else:
                span = UnrecordedSpan(request.META)
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
        method = request.method if request.method in METHODS else "other"  # a client's junk is no new series
        _count(route, method, response.status_code, time.perf_counter() - started)
        return response


def _count(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answer; each (route, method, status)'s samples are looked up once, then kept (a few hundred)."""
    key = (route, method, status)
    samples = _samples.get(key)
    if samples is None:
        samples = _samples[key] = (REQUESTS.labels(route, method, str(status)), REQUEST_SECONDS.labels(route, method))
    samples[0].inc()
    samples[1].observe(seconds)
