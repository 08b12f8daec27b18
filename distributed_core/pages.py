"""What the nodes' browser apps (server-rendered shells around small ES modules) have in common.

An app page knows who is signed in and what they may do: `app_context(request, permissions)`
gives the template the user, whether the node is open, whether a sign-in form must replace
the app (a closed node and nobody signed in), and `may`, a map of the app's actions to
whether the user may take them, which the page hands to its script to hide what is not allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest

from .conf import dd_settings

__all__ = ["app_context"]


def signalr_available() -> bool:
    """Whether `npm ci` has installed the SignalR browser client (served as static signalr.min.js)."""
    return finders.find("signalr.min.js") is not None


def app_context(request: HttpRequest, permissions: Mapping[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """The template context of a browser app: node, SignalR, the user and `may` ({action: allowed}), plus `extra`.

    `permissions` maps each of the app's actions to the permission it needs (`{"publish":
    "blog.publish_post"}`); on an open node every action is allowed.
    """
    user = request.user
    node_open = dd_settings.allow_anonymous
    may = {action: node_open or user.has_perm(needed) for action, needed in (permissions or {}).items()}
    return {
        "node": dd_settings.node_name,
        "signalr_available": signalr_available(),
        "node_open": node_open,
        "needs_sign_in": not node_open and not user.is_authenticated,
        "may": may,
        **extra,
    }
