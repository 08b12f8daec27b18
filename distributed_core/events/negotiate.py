"""`POST /events/<hub>/negotiate`: the first step of the SignalR connection, WebSockets only.

Connection ids are not stored: any worker of the node accepts the WebSocket that follows, and
clients that skip negotiation connect directly.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ..conf import dd_settings
from ..gateway.credentials import credential_from
from .access import hub_access_problem

__all__ = ["negotiate"]


@csrf_exempt
def negotiate(request: HttpRequest, hub: str) -> JsonResponse:
    """SignalR's negotiate (POST only): check the hub and the caller's access, offer WebSockets only."""
    if request.method != "POST":
        return JsonResponse(f"Method {request.method} not allowed: negotiate with POST", status=405, safe=False)
    if hub.lower() not in dd_settings.hubs:
        return JsonResponse(f"No hub named '{hub}' on this node", status=404, safe=False)
    supplied = credential_from({"authorization": request.headers.get("Authorization", "")}, request.GET)
    problem = hub_access_problem(supplied, getattr(request, "user", None))
    if problem:
        return JsonResponse(problem, status=401 if not supplied else 403, safe=False)
    try:
        version = min(int(request.GET.get("negotiateVersion", "0")), 1)
    except ValueError:
        return JsonResponse("negotiateVersion must be a number", status=400, safe=False)
    body = {
        "connectionId": secrets.token_urlsafe(16),
        "negotiateVersion": version,
        "availableTransports": [{"transport": "WebSockets", "transferFormats": ["Text"]}],
    }
    if version >= 1:
        body["connectionToken"] = secrets.token_urlsafe(16)
    return JsonResponse(body)
