"""WSGI entry point of the proposals node: its REST API on gunicorn in production (the hubs are asgi.py's)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")

application = get_wsgi_application()
