"""What the nodes' browser apps (server-rendered shells around small ES modules) have in common."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders

from .conf import dd_settings

__all__ = ["app_context"]


def signalr_available() -> bool:
    """Whether `npm ci` has installed the SignalR browser client (served as static signalr.min.js)."""
    return finders.find("signalr.min.js") is not None


def app_context(**extra: Any) -> dict[str, Any]:
    """The template context every browser app needs (node name, whether SignalR is installed), plus `extra`."""
    return {"node": dd_settings.node_name, "signalr_available": signalr_available(), **extra}
