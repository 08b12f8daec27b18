"""`GET /metrics`: the node's metrics in Prometheus text format, closed like `/events/status`.

The counters and histograms the process keeps (`distributed_core.metrics`: requests, hub
connections, events appended, gateway calls, refused sign-ins), and what the database says when
it is scraped: each listener's lag in events and in seconds (the age of the oldest event it has
not applied), as the source node answers at the scrape (`heads`: so the lag rises while the
listener is stopped), whether it is connected, and the events parked as dead letters per source.
Those are the same whoever serves the scrape, so they need no multiprocess mode; the process's
own values do: with
`PROMETHEUS_MULTIPROC_DIR` set (see `distributed_core.metrics`) the scrape adds up every
process's files.

Readable by a service credential (a Prometheus with a node's token) or a user who may view the
listeners, like `/events/status`; by anyone on an open node.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.contrib.auth.signals import user_login_failed
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from ..auth.callers import protected
from ..metrics import REFUSED_SIGN_INS
from ..models import DeadLetter, ListenerCursor
from .heads import source_heads

__all__ = ["ListenerCollector", "count_refused_sign_ins", "metrics_view"]


class ListenerCollector(Collector):
    """Listener lag (events, seconds), connection and parked events per source: the database, and each source's head."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The gauges, one sample per listener source."""
        lag = GaugeMetricFamily("dd_listener_lag_events", "Events of the source hub not applied yet", labels=["source"])
        seconds = GaugeMetricFamily(
            "dd_listener_lag_seconds",
            "Age of the oldest event of the source hub not applied yet (0: caught up)",
            labels=["source"],
        )
        parked = GaugeMetricFamily("dd_parked_events", "Events parked as dead letters, per source", labels=["source"])
        connected = GaugeMetricFamily(
            "dd_listener_connected", "1 while the listener is connected to its source hub", labels=["source"]
        )
        source_up = GaugeMetricFamily(
            "dd_listener_source_up",
            "1 when the source node answered how far its hub has gone (0: the lag is as the listener last heard it)",
            labels=["source"],
        )
        cursors = {cursor.source: cursor for cursor in ListenerCursor.objects.order_by("source")}
        heads = source_heads({source: cursor.seq for source, cursor in cursors.items()})  # no transaction is open
        now = timezone.now()
        for source in sorted(set(cursors) | set(heads)):
            cursor, head = cursors.get(source), heads.get(source)
            if head is not None:
                behind, age = head.behind, head.oldest_seconds or 0.0
            else:  # as last heard: the listener's own count, and how long its cursor has not moved
                behind = cursor.lag if cursor else 0
                since = cursor and (cursor.last_event_at or cursor.date_modified)
                age = (now - since).total_seconds() if behind and since else 0.0
            lag.add_metric([source], behind)
            seconds.add_metric([source], age if behind else 0.0)
            connected.add_metric([source], 1 if cursor and cursor.connected else 0)
            if source in heads:
                source_up.add_metric([source], 0 if head is None else 1)
        counts = (
            DeadLetter.objects.filter(state=DeadLetter.States.PARKED)
            .values("source")
            .annotate(count=Count("id"))
            .values_list("source", "count")
        )
        for source, count in counts:
            parked.add_metric([source], count)
        yield from (lag, seconds, parked, connected, source_up)


@protected("distributed_core.view_listenercursor")
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Every metric of this node (all its processes' with PROMETHEUS_MULTIPROC_DIR), in Prometheus text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process = CollectorRegistry()
        MultiProcessCollector(process)
    else:
        process = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(ListenerCollector())
    return HttpResponse(generate_latest(process) + generate_latest(database), content_type=CONTENT_TYPE_LATEST)


def _refused(sender, credentials=None, request=None, **kwargs) -> None:
    REFUSED_SIGN_INS.inc()


def count_refused_sign_ins() -> None:
    """Count every sign-in Django refuses (`user_login_failed`: the token route, the login page, the admin's)."""
    user_login_failed.connect(_refused, dispatch_uid="distributed_core.metrics.refused_sign_ins")
