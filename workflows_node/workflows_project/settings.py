"""Settings of the workflows node: the core's defaults (distributed_core.base_settings), then this node's own."""

from pathlib import Path

from contracts import openapi
from distributed_core.base_settings import *
from distributed_core.env import browser_origins, node_database, suite_ports

BASE_DIR = Path(__file__).resolve().parent.parent
ports = suite_ports(BASE_DIR.parent / "nodes.json")  # the suite's nodes and their ports

ROOT_URLCONF = "workflows_project.urls"
ASGI_APPLICATION = "workflows_project.asgi.application"
WSGI_APPLICATION = "workflows_project.wsgi.application"  # gunicorn serves HTTP in deployment (deploy/)
INSTALLED_APPS = [*INSTALLED_APPS, "contracts", "workflows"]  # contracts: its states' badge styles
DATABASES = {"default": node_database("workflows", BASE_DIR)}

# in DEBUG the suite's pages may call this node, unless CORS_ALLOWED_ORIGINS and CSRF_TRUSTED_ORIGINS say otherwise
CORS_ALLOWED_ORIGINS, CSRF_TRUSTED_ORIGINS = browser_origins(DEBUG, local_ports=ports.values())

# signalr.min.js for the browser app, once `npm ci` has installed it at the repository root
signalr_browser = BASE_DIR.parent / "node_modules/@microsoft/signalr/dist/browser"
STATICFILES_DIRS = [signalr_browser] if signalr_browser.is_dir() else []

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,
    "TITLE": "Workflows node",
    "DESCRIPTION": "The workflows node of Distributed Design for Django.",
    "ENUM_NAME_OVERRIDES": openapi.ENUM_NAME_OVERRIDES,
}

DD_NODE_NAME = "workflows"
# this node's users sign in here only: its own cookies (a browser shares cookies between the ports of a host)
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "workflows_sessionid", "workflows_csrftoken"
