"""The WSGI application of a node: its REST API for a WSGI server (gunicorn), the production path.

The hubs are not here: they need an ASGI server (`asgi.py`). What a change announces is
published from here after its commit, through a channel layer shared with the hubs' processes
(Redis): the process has no event loop of a server's, so the publisher starts one thread with a
loop of its own (`events.log.publisher.use_own_loop`), where the layer keeps its connections and a
request's thread never waits for a publish. The in-memory layer reaches only hub connections of
its own process, and this one has none: with it nothing is published, and a closed node
(DEBUG=0) logs a warning (the events are in the log: listeners catch up by replay, but browsers
on the hubs of other processes see them live only through a shared layer).
"""

from __future__ import annotations

import logging

__all__ = ["node_wsgi_application"]

logger = logging.getLogger("distributed_core")


def node_wsgi_application():
    """Build the node's WSGI app; call it from the node's wsgi.py after setting the settings module."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # sets Django up before anything imports models

    from channels.layers import InMemoryChannelLayer, get_channel_layer
    from django.conf import settings

    from .events.log.publisher import publish_nowhere, use_own_loop

    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer):
        publish_nowhere()
        if not settings.DEBUG:
            logger.warning("No shared channel layer (REDIS_URL): this WSGI process's events reach hubs by replay only")
    else:
        use_own_loop()
    return application
