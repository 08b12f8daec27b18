"""Django settings shared by every node, read from the environment with safe defaults.

A node's settings module calls `node_settings(...)` and adds its own apps and URLconf:

    globals().update(node_settings(node="proposals", base_dir=BASE_DIR, apps=["proposals"], port=5001))

Environment (see docs/operations.md for the full reference):
    DEBUG                  "1" (default) for the embedded default, "0" in deployment
    SECRET_KEY             required when DEBUG is off; a fixed dev key otherwise
    ALLOWED_HOSTS          comma list; loopback names by default
    CORS_ALLOWED_ORIGINS   comma list; the local nodes' origins by default
    <NODE>_DATABASE_URL    this node's database; falls back to DATABASE_URL, then to SQLite
    DATABASE_URL           e.g. postgres://user@127.0.0.1:5432/proposals, mssql://...
    DD_DATA_DIR            folder of the SQLite files when no database URL is set (the node's folder)
    REDIS_URL              channels-redis channel layer; in-memory when unset
    CHANNEL_LAYER_PREFIX   key prefix on Redis ("dd"); give each suite sharing one Redis its own
    GATEWAY_ID             this node's gateway id (uuid); derived from the node name when unset
    SERVICE_TOKENS         comma list of credentials this node's gateway and hubs accept
    RUN_LISTENERS          "1" (default): listeners run inside the ASGI process; "0": `manage.py listen`
    HUB_KEEPALIVE_INTERVAL seconds between the hubs' keep-alive pings (15)
    STATIC_ROOT            where collectstatic puts files in deployment (DEBUG serves from the apps)
    <REMOTE>_GATEWAY_URL / <REMOTE>_GATEWAY_TOKEN   how to reach each remote node
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
NODES_FILE = REPO_ROOT / "nodes.json"  # the suite's nodes and ports
# The official SignalR browser client, installed by `npm ci` at the repository root (package.json)
SIGNALR_BROWSER_DIR = REPO_ROOT / "node_modules" / "@microsoft" / "signalr" / "dist" / "browser"
DEFAULT_PORTS = {node["name"]: node["port"] for node in json.loads(NODES_FILE.read_text())}
DEV_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-deployment"


class ImproperlyConfiguredEnvironment(RuntimeError):
    """The environment is missing something a node cannot start without."""


def env_bool(name: str, default: bool) -> bool:
    """The variable `name` as a bool (`1`, `true`, `yes`, `on`); `default` when unset or empty."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """The comma list in `name`, items stripped, empty ones dropped; `default` when unset."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def default_cors_headers() -> tuple[str, ...]:
    """django-cors-headers' default allowed request headers."""
    from corsheaders.defaults import default_headers

    return default_headers


def database_settings(node: str, base_dir: Path) -> dict[str, Any]:
    """`<NODE>_DATABASE_URL`, else `DATABASE_URL`, else a SQLite file in `DD_DATA_DIR` (or `base_dir`)."""
    url = os.environ.get(f"{node.upper()}_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        import dj_database_url

        return dj_database_url.parse(url, conn_max_age=0)
    data_dir = Path(os.environ.get("DD_DATA_DIR") or base_dir)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": data_dir / f"{node}.sqlite3",
        # IMMEDIATE takes the write lock when a transaction starts, so concurrent commands on
        # one row serialize (SQLite has no SELECT ... FOR UPDATE); WAL lets readers go on.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        # A file (not :memory:) so tests that race threads share one database.
        "TEST": {"NAME": data_dir / f"test_{node}.sqlite3"},
    }


def channel_layers() -> dict[str, Any]:
    """A Redis channel layer when `REDIS_URL` is set (keys prefixed `CHANNEL_LAYER_PREFIX`), else in-memory."""
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    # redis-py 8 reads with a 5 s socket timeout by default, no longer than the layer's
                    # blocking BZPOPMIN (5 s): every idle consumer would crash (django/channels_redis#422)
                    "hosts": [{"address": redis_url, "socket_timeout": None}],
                    "capacity": 5000,
                    "expiry": 30,
                    # one suite's nodes share a prefix; another suite on the same Redis uses its own
                    "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "dd"),
                },
            }
        }
    return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}}


def gateways(remotes: list[str]) -> dict[str, dict[str, Any]]:
    """`DD_GATEWAYS` for `remotes`: URL and token from `<REMOTE>_GATEWAY_URL`/`_TOKEN`, local ports by default."""
    return {
        remote: {
            "url": os.environ.get(
                f"{remote.upper()}_GATEWAY_URL", f"http://127.0.0.1:{DEFAULT_PORTS.get(remote, 5000)}"
            ),
            "token": os.environ.get(f"{remote.upper()}_GATEWAY_TOKEN", ""),
        }
        for remote in remotes
    }


def node_settings(
    *,
    node: str,
    base_dir: Path,
    apps: list[str],
    remotes: list[str] = (),
    hubs: list[str] = (),
    listeners: list[dict[str, str]] = (),
) -> dict[str, Any]:
    """Every Django setting a node needs, from the environment."""
    debug = env_bool("DEBUG", True)
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if not debug:
            raise ImproperlyConfiguredEnvironment("SECRET_KEY must be set when DEBUG is off.")
        secret_key = DEV_SECRET_KEY
    local_origins = [f"http://{host}:{p}" for p in DEFAULT_PORTS.values() for host in ("localhost", "127.0.0.1")]
    return {
        "BASE_DIR": base_dir,
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]),
        "CORS_ALLOWED_ORIGINS": env_list("CORS_ALLOWED_ORIGINS", local_origins if debug else []),
        "CORS_ALLOW_CREDENTIALS": True,  # the SignalR browser client negotiates with credentials
        "CORS_ALLOW_HEADERS": [*default_cors_headers(), "x-signalr-user-agent"],
        "CSRF_TRUSTED_ORIGINS": env_list("CSRF_TRUSTED_ORIGINS", local_origins if debug else []),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "corsheaders",
            "rest_framework",
            "drf_spectacular",
            "channels",
            "distributed_core",
            *apps,
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "corsheaders.middleware.CorsMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "distributed_core.api.errors.JsonErrorsMiddleware",
        ],
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "DATABASES": {"default": database_settings(node, base_dir)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "CHANNEL_LAYERS": channel_layers(),
        "LANGUAGE_CODE": "en-us",
        "TIME_ZONE": "UTC",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": "static/",
        "STATIC_ROOT": os.environ.get("STATIC_ROOT") or None,  # for collectstatic in deployment
        # signalr.min.js for the browser apps, only when npm has installed it (the apps say so otherwise)
        "STATICFILES_DIRS": [SIGNALR_BROWSER_DIR] if SIGNALR_BROWSER_DIR.is_dir() else [],
        "APPEND_SLASH": False,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 1024 * 1024,
        "REST_FRAMEWORK": {
            "DEFAULT_RENDERER_CLASSES": [
                "distributed_core.api.json.CamelCaseJSONRenderer",
                "rest_framework.renderers.BrowsableAPIRenderer",
            ],
            "DEFAULT_PARSER_CLASSES": ["distributed_core.api.json.CamelCaseJSONParser"],
            "EXCEPTION_HANDLER": "distributed_core.api.exception_handler.exception_handler",
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        },
        "SPECTACULAR_SETTINGS": {
            "TITLE": f"{node.capitalize()} node",
            "DESCRIPTION": f"The {node} node of Distributed Design for Django.",
            "VERSION": "1.0.0",
            "PREPROCESSING_HOOKS": ["distributed_core.api.schema.case_insensitive_paths"],
            "POSTPROCESSING_HOOKS": [
                "drf_spectacular.hooks.postprocess_schema_enums",
                "distributed_core.api.schema.camel_case_properties",
            ],
            "COMPONENT_SPLIT_REQUEST": True,
            "ENUM_NAME_OVERRIDES": {
                "PackageStatesEnum": "contracts.workflows.PackageStates",
                "StatusesEnum": "contracts.core.Statuses",
            },
        },
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
            "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "loggers": {
                "distributed_core": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
            },
        },
        "DD_NODE_NAME": node,
        "DD_GATEWAY_ID": os.environ.get("GATEWAY_ID", ""),
        "DD_SERVICE_TOKENS": env_list("SERVICE_TOKENS", []),
        "DD_GATEWAYS": gateways(list(remotes)),
        "DD_HUBS": list(hubs),
        "DD_LISTENERS": list(listeners),
        "DD_RUN_LISTENERS": env_bool("RUN_LISTENERS", True),
        "DD_HUB_KEEPALIVE_INTERVAL": float(os.environ.get("HUB_KEEPALIVE_INTERVAL", "15")),
    }
