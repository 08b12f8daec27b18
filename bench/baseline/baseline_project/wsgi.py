"""WSGI entry point of the bare DRF baseline (gunicorn in bench/api.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline_project.settings")

application = get_wsgi_application()
