"""OpenTelemetry for a node: every request starts or continues a W3C trace, every gateway call carries it.

`setup_tracing()` (from the app's `ready()`, once per process) installs the SDK's tracer
provider, named after the node (`service.name` = `DD_NODE_NAME`), and instruments Django (its
middleware reads the request's `traceparent`, or starts a trace) and requests (the gateway
client's calls send `traceparent` on). Spans are exported by OTLP over HTTP only when
`OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard OpenTelemetry variables configure the rest:
`OTEL_EXPORTER_OTLP_HEADERS`, ...). Otherwise nothing would read a span, so none is recorded (the
`ALWAYS_OFF` sampler, unless `OTEL_TRACES_SAMPLER` says otherwise): each request still gets its
span context, continuing the caller's trace id or starting one, which the events, the log lines
and the gateway calls' `traceparent` carry, but no attributes are gathered and nothing is kept
(bench/tracing.py measures what the rest costs the REST path).

The Django instrumentation is installed when spans are exported: its server spans, with their
attributes, then have a reader. Without an exporter those attributes (and its second URL
resolution per request) would be gathered for nobody, at about 0.2 ms a request (a fifth of a
read: bench/tracing.py), so `ObservabilityMiddleware` then only continues or starts each
request's trace context, with the same propagator, and makes it only when something asks (an
event, a gateway call, a log line). The requests instrumentation is always installed: every
gateway call sends `traceparent` on.
"""

from __future__ import annotations

import logging
import os

from opentelemetry import trace

__all__ = ["recording", "server_spans", "setup_tracing"]

logger = logging.getLogger("distributed_core.observability")

_done = False
server_spans = False
"""True when the Django instrumentation makes each request's span (spans are exported); see the module doc."""
recording = False
"""True when the tracer provider's sampler may record spans (spans are exported, or OTEL_TRACES_SAMPLER is set)."""


def setup_tracing(service_name: str) -> None:
    """Install the tracer provider and the Django and requests instrumentation (once; later calls do nothing)."""
    global _done
    if _done:
        return
    _done = True
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    exporting = bool(
        os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )
    sampler = None if exporting or os.environ.get("OTEL_TRACES_SAMPLER") else ALWAYS_OFF  # None: the SDK's choice
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}), sampler=sampler)
    if exporting:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        logger.info("Spans of %s are exported by OTLP", service_name)
    trace.set_tracer_provider(provider)
    global server_spans, recording
    server_spans = exporting  # else ObservabilityMiddleware only continues or starts the trace context
    recording = sampler is None
    if exporting and not DjangoInstrumentor().is_instrumented_by_opentelemetry:
        DjangoInstrumentor().instrument(tracer_provider=provider)
    if not RequestsInstrumentor().is_instrumented_by_opentelemetry:
        RequestsInstrumentor().instrument(tracer_provider=provider)
