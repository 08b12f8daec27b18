"""ASGI entry point of the bare DRF baseline (uvicorn through Django's ASGI handler in bench/api.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline_project.settings")

application = get_asgi_application()
