"""Settings of the workflows node: the shared node settings plus the workflows app."""

from pathlib import Path

from distributed_core.node_settings import node_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(node_settings(node="workflows", base_dir=BASE_DIR, apps=["workflows"], hubs=["package"]))

ROOT_URLCONF = "workflows_project.urls"
ASGI_APPLICATION = "workflows_project.asgi.application"
