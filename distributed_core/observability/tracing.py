"""OpenTelemetry for a node: every request starts or continues a W3C trace, every gateway call carries it.

`setup_tracing()` (from the app's `ready()`, once per process) installs the SDK's tracer
provider, named after the node (`service.name` = `DD_NODE_NAME`), and instruments Django (its
middleware reads the request's `traceparent`, or starts a trace) and requests (the gateway
client's calls send `traceparent` on). Spans are exported by OTLP over HTTP only when
`OTEL_EXPORTER_OTLP_ENDPOINT` is set (the standard OpenTelemetry variables configure the rest:
`OTEL_EXPORTER_OTLP_HEADERS`, ...); otherwise they are made, give the events and the log lines
their trace id, and go nowhere: no processor, so an ended span costs nothing more.
"""

from __future__ import annotations

import logging
import os

from opentelemetry import trace

__all__ = ["setup_tracing"]

logger = logging.getLogger("distributed_core.observability")

_done = False


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

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        logger.info("Spans of %s are exported by OTLP", service_name)
    trace.set_tracer_provider(provider)
    if not DjangoInstrumentor().is_instrumented_by_opentelemetry:
        DjangoInstrumentor().instrument(tracer_provider=provider)
    if not RequestsInstrumentor().is_instrumented_by_opentelemetry:
        RequestsInstrumentor().instrument(tracer_provider=provider)
