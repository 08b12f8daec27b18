"""The WSGI application of a node: its REST API for a WSGI server (gunicorn), the production path.

The hubs are not here: they need an ASGI server (`asgi.py`). What a change announces is still
published from here, after its commit: the process has no event loop of a server's, so the
publisher starts one thread with a loop of its own (`events.publisher.use_own_loop`), where the
channel layer (Redis) keeps its connections and a request's thread never waits for a publish.
"""

from __future__ import annotations

__all__ = ["node_wsgi_application"]


def node_wsgi_application():
    """Build the node's WSGI app; call it from the node's wsgi.py after setting the settings module."""
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # sets Django up before anything imports models

    from .events.publisher import use_own_loop

    use_own_loop()
    return application
