"""ASGI entry point of the workflows node: HTTP through Django (WebSockets join with the events)."""

import os
import sys
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parent.parent
sys.path[:0] = [p for p in (str(NODE_DIR), str(NODE_DIR.parent)) if p not in sys.path]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflows_project.settings")

from distributed_core.asgi import node_application  # noqa: E402

application = node_application()
