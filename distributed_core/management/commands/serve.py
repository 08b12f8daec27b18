"""`manage.py serve`: this node's REST routes and event hubs on one port, as a deployment runs them."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from distributed_core.serving.server import serve


class Command(BaseCommand):
    """`manage.py serve`: serves the node's ASGI application (`ASGI_APPLICATION`) until interrupted."""

    help = "Serve this node: REST routes and event hubs on one port (uvicorn, REST on a pool of threads)."

    def add_arguments(self, parser) -> None:
        """--host, --port, --workers and --access-log."""
        parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
        parser.add_argument("--workers", type=int, default=1, help="server processes (more than 1 needs REDIS_URL)")
        parser.add_argument("--access-log", action="store_true", help="log every request (credentials masked)")

    def handle(self, *args, host: str, port: int, workers: int, access_log: bool, **options) -> None:
        """Serve until SIGINT or SIGTERM; refuse several workers on an in-memory channel layer."""
        application = getattr(settings, "ASGI_APPLICATION", None)
        if not application or "." not in application:
            raise CommandError("ASGI_APPLICATION must name the ASGI application, e.g. 'x_project.asgi.application'")
        if workers < 1:
            raise CommandError("--workers must be 1 or more")
        if workers > 1 and "InMemory" in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
            raise CommandError("--workers > 1 needs REDIS_URL: the workers of a node share its events through Redis")
        module, attribute = application.rsplit(".", 1)
        serve(f"{module}:{attribute}", host=host, port=port, workers=workers, access_log=access_log)
