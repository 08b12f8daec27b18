"""Who may connect to a hub: listeners with a valid service credential, browsers per DRF settings.

WebSockets are not covered by CORS, so a browser page of any site could open one: a
connection that sends an `Origin` (browsers always do) must come from the node's own host or
from `CORS_ALLOWED_ORIGINS`. Clients that send none (listeners, scripts) are not browsers.

A connection that presents a credential is a node's listener: when this node has
`SERVICE_TOKENS`, the credential must be one of them. A connection without one is a browser:
it may connect when the node's API is open to anonymous users (DRF's default permission is
AllowAny, as in the embedded default) or when its session user is signed in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from ..gateway.credentials import check_credential

__all__ = ["hub_access_problem", "origin_problem"]


def browser_access_open() -> bool:
    """Whether DRF's default permissions let anonymous browsers in (every one is AllowAny)."""
    return all(permission is AllowAny for permission in api_settings.DEFAULT_PERMISSION_CLASSES)


def hub_access_problem(supplied_credential: str, user=None) -> str | None:
    """None when the connection may go on, else the reason it may not."""
    if supplied_credential:
        return check_credential(supplied_credential)
    if browser_access_open() or (user is not None and user.is_authenticated):
        return None
    return "Sign in, or present a service credential, to connect to this hub"


def origin_problem(origin: str, host: str) -> str | None:
    """None when a WebSocket from `origin` (the Origin header) may reach this node at `host`."""
    if not origin:
        return None
    allowed = {value.rstrip("/").lower() for value in getattr(settings, "CORS_ALLOWED_ORIGINS", [])}
    if origin.rstrip("/").lower() in allowed or urlsplit(origin).netloc.lower() == host.lower():
        return None
    return f"The origin {origin} may not connect to this hub"
