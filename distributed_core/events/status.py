"""`GET /events/status`: this node's hubs and listeners, as JSON.

Hubs: the last seq, and each known listener's position (how far it had applied at its last
Replay; `prune_events` keeps what comes after the lowest). Listeners: connected or not, the
cursor, the hub's last seq as last heard and the lag between them, how many events are parked
as dead letters, whether the listener needs a resync, the last error, and every process running
it (host, pid, role: "active", "standby", or "gone" once it has not renewed its lease in time).
Readable by a service credential, or a user who may view the listeners (or by anyone on an open
node).

`GET /events/<hub>/head?after=<seq>`: how far one hub's log has gone, for a node that follows it:
its last seq and, when `after` is given (the follower's cursor), how many events come after it
and how old the first of them is, in seconds by this node's clock (so no clock skew between the
two hosts enters it). A listening node's `/metrics` asks it at each scrape: its listener's lag
then rises while the listener is stopped, which the lag it last heard cannot show.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from ..auth.callers import protected
from ..conf import dd_settings
from ..models import DeadLetter, Event, HubSequence, ListenerCursor, ListenerPosition, ListenerProcess
from .log import hubs

__all__ = ["events_status", "hub_head"]


@protected("distributed_core.view_listenercursor")
def events_status(request: HttpRequest) -> JsonResponse:
    """This node's name, each hub's last seq and listeners' positions, and each listener's state."""
    sequences = {row.hub: row.last_seq for row in HubSequence.objects.all()}
    positions: dict[str, list[dict]] = {}
    for position in ListenerPosition.objects.all():
        entry = {"name": position.listener, "seq": position.seq, "at": position.date_modified.isoformat()}
        positions.setdefault(position.hub, []).append(entry)
    served = [
        {"hub": hub.name, "lastSeq": sequences.get(hub.name, 0), "listeners": positions.get(hub.name, [])}
        for hub in hubs.served()
    ]
    parked = dict(
        DeadLetter.objects.filter(state=DeadLetter.States.PARKED)
        .values("source")
        .annotate(count=Count("id"))
        .values_list("source", "count")
    )
    processes: dict[str, list[dict]] = {}
    expired = timezone.now() - timedelta(seconds=dd_settings.listener_lease_seconds)
    for process in ListenerProcess.objects.all():
        role = "gone" if process.heartbeat < expired else "active" if process.active else "standby"
        entry = {"host": process.host, "pid": process.pid, "role": role, "heartbeatAt": process.heartbeat.isoformat()}
        processes.setdefault(process.source, []).append(entry)
    listeners = [
        {
            "source": cursor.source,
            "state": _state(cursor),
            "connected": cursor.connected,
            "seq": cursor.seq,
            "hubSeq": cursor.hub_seq,
            "lag": cursor.lag,
            "parked": parked.get(cursor.source, 0),
            "needsResync": cursor.needs_resync,
            "lastError": cursor.last_error,
            "lastEventAt": cursor.last_event_at.isoformat() if cursor.last_event_at else None,
            "processes": [{**process, "lag": cursor.lag} for process in processes.get(cursor.source, [])],
        }
        for cursor in ListenerCursor.objects.order_by("source")
    ]
    return JsonResponse({"node": dd_settings.node_name, "hubs": served, "listeners": listeners})


def _state(cursor: ListenerCursor) -> str:
    """One word for the listener: "needs resync" overrides "connected" / "disconnected"."""
    if cursor.needs_resync:
        return "needs resync"
    return "connected" if cursor.connected else "disconnected"


@protected("distributed_core.view_listenercursor")
def hub_head(request: HttpRequest, hub: str) -> JsonResponse:
    """`{hub, lastSeq}`, and with `?after=<seq>` also `{after, behind, oldestSeconds}` (0 and null when none is)."""
    if hub not in hubs.served_names():
        return JsonResponse({"message": f"This node serves no hub named {hub[:100]!r}."}, status=404)
    last_seq = HubSequence.objects.filter(hub=hub).values_list("last_seq", flat=True).first() or 0
    answer: dict = {"hub": hub, "lastSeq": last_seq}
    after = request.GET.get("after")
    if after is not None:
        if not after.isascii() or not after.isdigit() or len(after) > 18:
            return JsonResponse({"message": "after must be a seq: a whole number from 0."}, status=400)
        first = Event.objects.filter(hub=hub, seq__gt=int(after)).order_by("seq").values_list("date_created").first()
        age = (timezone.now() - first[0]).total_seconds() if first else None
        answer |= {"after": int(after), "behind": max(last_seq - int(after), 0), "oldestSeconds": age}
    return JsonResponse(answer)
