"""An outage of a backing service answers 503 with Retry-After and JSON naming the service, never its address.

Each way to an error (a view, a DRF view, a middleware; DEBUG on and off) meets a real failure to
connect: PostgreSQL on a closed port, a SQLite file that cannot be opened, Redis on a closed
port behind the channel layer. Database errors that are bugs (a missing table, a deadlock, a
broken constraint) stay 500s.
"""

from __future__ import annotations

import logging
import socket

import pytest
from django.db import DatabaseError, IntegrityError, OperationalError
from django.db.utils import ConnectionHandler
from django.test import Client

from . import outage_urls

pytestmark = pytest.mark.django_db

SECRETS = ("127.0.0.1", "secret", "nowhere")  # the address, the account, the file: never in an answer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def down_database(engine: str):
    """A connection to a database that cannot be reached: nothing listens, or the file cannot be opened."""
    if engine == "postgresql":
        settings = {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": str(closed_port()),
            "NAME": "secret_database",
            "USER": "secret_user",
            "OPTIONS": {"connect_timeout": 2},
        }
    else:
        settings = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/nowhere/secret/db.sqlite3"}
    return ConnectionHandler({"default": settings})["default"]


@pytest.fixture(autouse=True)
def node_like(settings):
    """The node's error handling around routes that reach a service that is down."""
    settings.ROOT_URLCONF = "distributed_core.tests.outage_urls"
    settings.MIDDLEWARE = [
        "distributed_core.api.errors.JsonErrorsMiddleware",
        "distributed_core.tests.outage_urls.DatabaseMiddleware",
    ]
    settings.REST_FRAMEWORK = {"EXCEPTION_HANDLER": "distributed_core.api.exception_handler.exception_handler"}
    settings.DEBUG = False
    return settings


def assert_unavailable(response, service: str, message: str, path: str, caplog) -> None:
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    body = response.json()
    assert {key: body[key] for key in ("type", "message", "service", "path")} == {
        "type": "ServiceUnavailable",
        "message": message,
        "service": service,
        "path": path,
    }
    assert set(body) == {"type", "message", "service", "path", "id"}
    assert not any(secret in response.content.decode() for secret in SECRETS), body
    logged = [record for record in caplog.records if body["id"] in record.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.WARNING  # the details, for the operator


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
@pytest.mark.parametrize("path", ["/down/view", "/down/drf", "/down/middleware"])
@pytest.mark.parametrize("debug", [False, True])
def test_a_database_that_cannot_be_reached_is_a_503(node_like, monkeypatch, caplog, engine, path, debug):
    node_like.DEBUG = debug
    monkeypatch.setitem(outage_urls.DOWN, "database", down_database(engine))
    with caplog.at_level(logging.WARNING, logger="distributed_core"):
        response = Client(raise_request_exception=False).get(path, HTTP_ACCEPT="*/*")
    assert_unavailable(response, "database", "The database is unavailable", path, caplog)


def test_a_channel_layer_that_cannot_be_reached_is_a_503(monkeypatch, caplog):
    monkeypatch.setitem(outage_urls.DOWN, "redis", f"redis://127.0.0.1:{closed_port()}")
    with caplog.at_level(logging.WARNING, logger="distributed_core"):
        response = Client(raise_request_exception=False).post("/down/redis", HTTP_ACCEPT="*/*")
    assert_unavailable(response, "channel layer", "The channel layer is unavailable", "/down/redis", caplog)


@pytest.mark.parametrize(
    ("kind", "error"),
    [("missing-table", DatabaseError), ("deadlock", OperationalError), ("integrity", IntegrityError)],
)
def test_a_database_error_that_is_a_bug_stays_a_500(caplog, kind, error):
    with caplog.at_level(logging.ERROR, logger="distributed_core"):
        response = Client(raise_request_exception=False).get(f"/bug/{kind}", HTTP_ACCEPT="*/*")
    assert response.status_code == 500 and "Retry-After" not in response
    body = response.json()
    assert body["type"] == "ServerError" and "secret" not in response.content.decode()
    (logged,) = [record for record in caplog.records if body["id"] in record.getMessage()]
    # that error (a missing table is an OperationalError on SQLite, a ProgrammingError on PostgreSQL),
    # logged with its traceback as a bug
    assert issubclass(logged.exc_info[0], error)
