"""WSGI entry point of the proposals node: its REST API on gunicorn in production (the hubs are asgi.py's)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")

from distributed_core.wsgi import node_wsgi_application  # noqa: E402

application = node_wsgi_application()
