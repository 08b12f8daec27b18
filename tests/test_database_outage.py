"""PostgreSQL stopped under a running node: 503 with Retry-After and JSON naming the database, then recovery.

The workflows node (closed, as deployed: DEBUG=0, service credentials) reaches its PostgreSQL
database only through a FaultProxy: `down()` is the database stopped (open connections reset,
new ones refused), `heal()` its return. While it is down, every request that needs the database
answers 503 `{"type": "ServiceUnavailable", "message": "The database is unavailable", ...}` with
`Retry-After`, through DRF's exception handler and through Django's own (`handler500`) alike,
and says nothing of where the database is; once it is back, the node serves again by itself.

It needs PostgreSQL, so it runs in the suite's PostgreSQL run (`manage_all.py test` sets
TEST_POSTGRES_URL there, and in CI fails when that run cannot happen); the SQLite run skips it.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlsplit

import pytest

from .client import Api
from .faults import FaultProxy
from .nodes import Suite, wait_until
from .people import PASSWORD, token_of

POSTGRES = os.environ.get("TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(
    not POSTGRES, reason="a PostgreSQL outage: runs in the PostgreSQL run (TEST_POSTGRES_URL)"
)

RECOVERY = 15.0  # seconds the node may take to serve again once the database is back


def through(link: FaultProxy, database_url: str) -> str:
    """`database_url` with its host and port replaced by the proxy's."""
    url = urlsplit(database_url)
    credentials = url.netloc.rpartition("@")[0]
    return url._replace(
        netloc=f"{credentials}@127.0.0.1:{link.port}" if credentials else f"127.0.0.1:{link.port}"
    ).geturl()


@pytest.fixture
def outage(tmp_path):
    """The suite, workflows' database behind a FaultProxy; yields (suite, link, workflows' API as a superuser)."""
    target = urlsplit(POSTGRES)
    assert target.hostname in ("127.0.0.1", "localhost"), "the fault proxy forwards to a loopback PostgreSQL"
    suite = Suite(tmp_path, service_token="outage-secret", debug=False)
    with FaultProxy(target_port=target.port or 5432) as link:
        workflows = suite.workflows
        workflows.env["WORKFLOWS_DATABASE_URL"] = through(link, workflows.env["WORKFLOWS_DATABASE_URL"])
        try:
            suite.start()
            suite.add_user("operator", PASSWORD, "--superuser", nodes=("workflows",))
            api = Api(workflows.url)
            api.session.headers["Authorization"] = f"Token {token_of(workflows.url, 'operator')}"
            yield suite, link, api
        finally:
            suite.stop()


def assert_database_unavailable(answer, link: FaultProxy, database: str) -> None:
    assert answer.status_code == 503, (answer.status_code, answer.text)
    assert answer.headers["Content-Type"] == "application/json" and int(answer.headers["Retry-After"]) > 0
    body = answer.json()
    assert (body["type"], body["message"], body["service"]) == (
        "ServiceUnavailable",
        "The database is unavailable",
        "database",
    )
    for secret in ("127.0.0.1", "localhost", str(link.port), database, "postgres", "Connection refused"):
        assert secret not in answer.text, (secret, answer.text)


def test_a_database_outage_is_a_503_until_the_node_recovers_by_itself(outage):
    suite, link, api = outage
    database = urlsplit(suite.workflows.env["WORKFLOWS_DATABASE_URL"]).path.lstrip("/")
    assert api.get("/api/package/get").status_code == 200  # its connections are open: the outage breaks them

    link.down()
    assert_database_unavailable(api.get("/api/package/get"), link, database)  # DRF: reading
    package = {"title": "During the outage", "value": "v", "entityId": 1, "entityType": "Proposal"}
    assert_database_unavailable(api.post("/api/package/save", package), link, database)  # DRF: a command
    admin = Api(suite.workflows.url)
    admin.session.cookies.set("workflows_sessionid", "a-session-the-database-must-look-up")
    assert_database_unavailable(admin.get("/admin/"), link, database)  # Django's handler500, outside DRF
    assert api.get("/health/").status_code == 200  # alive: nothing to restart
    assert api.get("/ready/").status_code == 503  # not ready: the balancer sends traffic elsewhere

    link.heal()
    back = time.monotonic()
    wait_until(lambda: api.get("/api/package/get").status_code == 200, timeout=RECOVERY, message="served again")
    recovered_in = time.monotonic() - back
    saved = api.post("/api/package/save", {**package, "title": "After the outage"})
    assert saved.status_code == 200, saved.text
    stored = api.get(f"/api/package/getFromId/{saved.json()['data']['id']}").json()
    assert stored["title"] == "After the outage" and recovered_in < RECOVERY
    assert api.get("/ready/").status_code == 200
