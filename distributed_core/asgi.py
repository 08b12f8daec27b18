"""The ASGI application of a node: Django for HTTP, and (with events) the hubs for WebSockets."""

from __future__ import annotations

import logging

__all__ = ["node_application"]

logger = logging.getLogger("distributed_core")


def node_application():
    """Build the node's ASGI app; call it from the node's asgi.py after setting the settings module."""
    from django.core.asgi import get_asgi_application

    http = get_asgi_application()  # sets Django up before anything imports models

    from .conf import dd_settings

    if not dd_settings.service_tokens:
        logger.warning("Node %s: gateway and hubs are open (no SERVICE_TOKENS configured).", dd_settings.node_name)
    from channels.routing import ProtocolTypeRouter

    return ProtocolTypeRouter({"http": http})
