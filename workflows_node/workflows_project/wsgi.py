"""WSGI entry point of the workflows node: HTTP on gunicorn (`gunicorn workflows_project.wsgi`, deploy/)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflows_project.settings")

from distributed_core.wsgi import node_wsgi_application  # noqa: E402

application = node_wsgi_application()
