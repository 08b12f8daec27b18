"""WSGI entry point of the proposals node: HTTP on gunicorn (`gunicorn proposals_project.wsgi`, deploy/)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")

from distributed_core.wsgi import node_wsgi_application  # noqa: E402

application = node_wsgi_application()
