"""Why did this happen: tracing, metrics and logs that join up across nodes.

    tracing.py     OpenTelemetry: a tracer provider per process, Django and requests instrumented, spans
                   exported by OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set
    middleware.py  each request's cause (its trace, its route) for the events it records, and its metrics
    metrics.py     /metrics in Prometheus text format (multiprocess when PROMETHEUS_MULTIPROC_DIR is set)
    heads.py       how far each followed hub has gone, asked of its node at scrape time (the listeners' lag)
    logs.py        the trace id on every log line; one JSON object per line with LOG_FORMAT=json

An entity's timeline is a route of every entity viewset (`api/timeline.py`). The metric objects
themselves live lower (`distributed_core.metrics`), so the parts they count
(the event log, the hubs, the listeners, the gateway client) can import them.
"""
