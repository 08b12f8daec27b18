"""Who may connect to a hub: listeners with a valid service credential, browsers per DRF settings.

A connection that presents a credential is a node's listener: when this node has
`SERVICE_TOKENS`, the credential must be one of them. A connection without one is a browser:
it may connect when the node's API is open to anonymous users (DRF's default permission is
AllowAny, as in the embedded default) or when its session user is signed in.
"""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings

from ..gateway.credentials import check_credential

__all__ = ["hub_access_problem"]


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
