"""A minimal Django project around distributed_core, for the core's own tests.

It leaves distributed_core.base_settings out, as a team adding the core to its own project may:
every `DD_*` setting then has its declared default (distributed_core.conf.CORE_SETTINGS). The database follows the
nodes' rule (`CORE_DATABASE_URL`, else `DATABASE_URL`, else SQLite in this folder).
"""

from pathlib import Path

from distributed_core.env import node_database

SECRET_KEY = "distributed-core-tests"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",  # the hub access tests sign in with a session
    "rest_framework",
    "channels",
    "distributed_core",
    "distributed_core.tests.testapp",  # a concrete Entity and a saga to test the core with
]
DATABASES = {"default": node_database("core", Path(__file__).resolve().parent)}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
USE_TZ = True
