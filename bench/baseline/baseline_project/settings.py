"""Settings of the bare DRF baseline: what `startproject` gives, plus rest_framework and one app.

It is the bar bench/api.py holds a node to, so it stays bare: no CORS, no whitenoise, DRF's
defaults. Only the database follows the node's (the same SQLite options, or a URL), so the
comparison is between the stacks, not between two ways of configuring SQLite.

Environment: DEBUG ("0" by default), SECRET_KEY, DATABASE_URL (e.g. postgres://...), else a
SQLite file `baseline.sqlite3` in BASELINE_DATA_DIR (this folder by default); CONN_MAX_AGE
(0 by default, Django's own).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "bench-only-insecure-key")
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

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
# Django's default, a new connection per request, unless the bench asks otherwise (--baseline-conn-max-age)
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "0"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
