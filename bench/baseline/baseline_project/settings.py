"""Settings of the bare DRF baseline: the stack's own limit, which bench/api.py holds a node to.

BASELINE_VARIANT picks one of two (docs/performance.md):

- "persistent" (the default, the headline baseline): persistent database connections like the
  node's (`CONN_MAX_AGE` 600, health-checked), no middleware beyond `SecurityMiddleware` and
  `CommonMiddleware`, DRF's JSON renderer only;
- "reconnect": what `startproject` gives (its seven middleware, DRF's default renderers) and
  Django's default of a new database connection per request (`CONN_MAX_AGE` 0). It flatters a
  node, which keeps its connections: the bench shows it as a second column only.

Either way the database follows the node's (the same SQLite options, or a URL), so the
comparison is between the stacks, not between two ways of configuring SQLite.

Environment: BASELINE_VARIANT, DEBUG ("0" by default), SECRET_KEY, DATABASE_URL (e.g.
postgres://...), else a SQLite file `baseline.sqlite3` in BASELINE_DATA_DIR (this folder by default).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-insecure-key")
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

VARIANT = os.environ.get("BASELINE_VARIANT", "persistent")
if VARIANT not in ("persistent", "reconnect"):
    raise ValueError(f"BASELINE_VARIANT is 'persistent' or 'reconnect', not {VARIANT!r}")

if VARIANT == "persistent":
    # auth and contenttypes: DRF's request.user is an AnonymousUser; no admin, no sessions, no messages
    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "proposals"]
    MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware"]
    REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}
else:  # startproject's apps and middleware; DRF's default renderers (JSON and the browsable API)
    INSTALLED_APPS = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
        "rest_framework",
        "proposals",
    ]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]

ROOT_URLCONF = "baseline_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "baseline_project.wsgi.application"

if os.environ.get("DATABASE_URL"):
    import environ  # django-environ, which the nodes read their URLs with

    DATABASES = {"default": environ.Env.db_url_config(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(os.environ.get("BASELINE_DATA_DIR") or BASE_DIR) / "baseline.sqlite3",
            # the node's SQLite options (distributed_core.env.node_database)
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
if VARIANT == "persistent":  # as the node keeps its connections (distributed_core.env.node_database)
    DATABASES["default"].update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
else:  # Django's default: a new connection per request
    DATABASES["default"]["CONN_MAX_AGE"] = 0

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
