"""ASGI entry point of the workflows node: HTTP through Django (WebSockets join with the events)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflows_project.settings")

from distributed_core.asgi import node_application  # noqa: E402

application = node_application()
