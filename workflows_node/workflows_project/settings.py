"""Settings of the workflows node: the shared node settings plus the workflows app."""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR.parent) not in sys.path:
    sys.path.append(str(BASE_DIR.parent))

from distributed_core.node_settings import node_settings  # noqa: E402

globals().update(node_settings(node="workflows", base_dir=BASE_DIR, apps=["workflows"], hubs=["package"]))

ROOT_URLCONF = "workflows_project.urls"
ASGI_APPLICATION = "workflows_project.asgi.application"
