"""WSGI entry point of the workflows node: HTTP on gunicorn (`gunicorn workflows_project.wsgi`, deploy/)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflows_project.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
