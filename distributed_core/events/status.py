"""`GET /events/status`: this node's hubs (last seq) and listeners (connected, cursor, last error).

Readable by a service credential, or a user who may view the listeners (or by anyone on an open node).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from ..auth.callers import protected
from ..conf import dd_settings
from ..models import HubSequence, ListenerCursor

__all__ = ["events_status"]


@protected("distributed_core.view_listenercursor")
def events_status(request: HttpRequest) -> JsonResponse:
    """This node's name, each hub's last seq and each listener's state, as JSON."""
    sequences = {row.hub: row.last_seq for row in HubSequence.objects.all()}
    hubs = [{"hub": hub, "lastSeq": sequences.get(hub, 0)} for hub in dd_settings.hubs]
    listeners = [
        {
            "source": cursor.source,
            "seq": cursor.seq,
            "connected": cursor.connected,
            "lastError": cursor.last_error,
            "lastEventAt": cursor.last_event_at.isoformat() if cursor.last_event_at else None,
        }
        for cursor in ListenerCursor.objects.order_by("source")
    ]
    return JsonResponse({"node": dd_settings.node_name, "hubs": hubs, "listeners": listeners})
