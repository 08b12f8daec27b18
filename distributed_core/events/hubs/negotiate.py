"""`POST /events/<hub>/negotiate`: the first step of the SignalR connection, WebSockets only.

Connection ids are not stored: any worker of the node accepts the WebSocket that follows, and
clients that skip negotiation connect directly. The caller is checked by the same rules as the
WebSocket (`admission`): Origin and caller here, Host by Django as for every request.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ...auth.callers import token_key
from ...auth.credentials import credential_from
from .admission import Refused, admit, check_origin

__all__ = ["negotiate"]


@csrf_exempt
def negotiate(request: HttpRequest, hub: str) -> JsonResponse:
    """SignalR's negotiate (POST only): check the hub and the caller as the WebSocket does, offer WebSockets only."""
    if request.method != "POST":
        return JsonResponse(f"Method {request.method} not allowed: negotiate with POST", status=405, safe=False)
    authorization = request.headers.get("Authorization", "")
    try:
        check_origin(request.headers.get("Origin", ""), request.get_host(), request.is_secure())
        admit(
            hub.lower(),
            credential_from({"authorization": authorization}, request.GET),
            getattr(request, "user", None),
            token_key(authorization),
        )
    except Refused as refusal:
        return JsonResponse(refusal.reason, status=refusal.status, safe=False)
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
