"""The environment, read with django-environ, and the helpers a node's settings build from it.

`env` is django-environ's reader: `env.bool("DEBUG", default=True)`, `env.list("ALLOWED_HOSTS",
default=[...])`, with two forgiving habits an operator's environment file relies on: a variable set
to nothing (`DEBUG=`) counts as unset, so its default applies, and a list's items are trimmed
(`a, b` is `["a", "b"]`). The helpers turn a few variables into settings and take what belongs to the
node (its name and folder, the addresses of the nodes it calls, its suite's ports) as arguments:
the core knows no node.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import environ

__all__ = [
    "LOOPBACK_ORIGIN",
    "browser_origins",
    "env",
    "gateways",
    "loopback_origin_regexes",
    "node_database",
    "suite_ports",
]


class Environment(environ.Env):
    """django-environ's reader, where an empty value is unset and list items are trimmed."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        """The variable's value; one set to nothing (or only spaces) counts as unset when there is a default."""
        if default is not self.NOTSET and not self.ENVIRON.get(f"{self.prefix}{var}", "x").strip():
            return self.parse_value(default, cast) if parse_default else default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)

    def list(self, var, cast=None, default=environ.Env.NOTSET):
        """A comma-separated list, each item trimmed and empty ones dropped: `a, b,` is `["a", "b"]`."""
        items = super().list(var, default=default)
        if items is default:
            return items
        items = [item.strip() for item in items if item.strip()]
        return [cast(item) for item in items] if cast else items


env = Environment()


def node_database(node: str, folder: Path) -> dict[str, Any]:
    """`<NODE>_DATABASE_URL`, else `DATABASE_URL`, else a SQLite file `<node>.sqlite3` in `DD_DATA_DIR` or `folder`.

    The URLs are django-environ's: `postgres://...`, and `mssql://...` for mssql-django. Either
    way the connection outlives a request (`CONN_MAX_AGE` seconds, checked before reuse): the
    server's request threads each keep theirs, instead of connecting anew for every request.
    """
    url = env.str(f"{node.upper()}_DATABASE_URL", default="") or env.str("DATABASE_URL", default="")
    persistent = {"CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=600), "CONN_HEALTH_CHECKS": True}
    if url:
        return {**env.db_url_config(url), **persistent}
    data_dir = Path(env.str("DD_DATA_DIR", default="") or folder)
    return {
        # Django's SQLite backend, whose transactions queue on a lock of this process before BEGIN,
        # rather than sleeping in SQLite's busy handler while another thread writes
        "ENGINE": "distributed_core.db.sqlite3",
        "NAME": data_dir / f"{node}.sqlite3",
        # IMMEDIATE takes the write lock when a transaction starts, so concurrent commands on
        # one row serialize (SQLite has no SELECT ... FOR UPDATE); WAL lets readers go on.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"},
        # A file (not :memory:) so tests that race threads share one database.
        "TEST": {"NAME": data_dir / f"test_{node}.sqlite3"},
        **persistent,
    }


def gateways(default_urls: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """`DD_GATEWAYS` for the remote nodes named in `default_urls`.

    Each one's URL is `<REMOTE>_GATEWAY_URL`, else its default URL; its token `<REMOTE>_GATEWAY_TOKEN`.
    """
    return {
        remote: {
            "url": env.str(f"{remote.upper()}_GATEWAY_URL", default=url),
            "token": env.str(f"{remote.upper()}_GATEWAY_TOKEN", default=""),
        }
        for remote, url in default_urls.items()
    }


def suite_ports(path: Path) -> dict[str, int]:
    """The ports of a suite's nodes by name, from the JSON list at `path` (`[{"name": ..., "port": ...}]`)."""
    return {node["name"]: node["port"] for node in json.loads(Path(path).read_text())}


def browser_origins(debug: bool, local_ports: Iterable[int] = ()) -> tuple[list[str], list[str]]:
    """`CORS_ALLOWED_ORIGINS` and `CSRF_TRUSTED_ORIGINS`: the variables, else (in DEBUG only) the local pages' origins.

    `local_ports` are the ports that serve, on this machine, the pages that may call this node:
    each gives the origins `http://localhost:<port>` and `http://127.0.0.1:<port>`.
    """
    local = [f"http://{host}:{port}" for port in local_ports for host in ("localhost", "127.0.0.1")]
    default = local if debug else []
    return env.list("CORS_ALLOWED_ORIGINS", default=list(default)), env.list("CSRF_TRUSTED_ORIGINS", default=default)


LOOPBACK_ORIGIN = r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$"
"""A page served from this machine: localhost, 127.0.0.1 or [::1], any port, http or https."""


def loopback_origin_regexes(debug: bool) -> list[str]:
    """`CORS_ALLOWED_ORIGIN_REGEXES`: in DEBUG any loopback origin (`LOOPBACK_ORIGIN`), else none.

    A developer serves apps from any local port (the original's on http://localhost:3001 and
    3002); a deployment names its pages' origins in CORS_ALLOWED_ORIGINS instead.
    """
    return [LOOPBACK_ORIGIN] if debug else []
