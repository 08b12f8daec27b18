"""Where everything of a rehearsal lives: the two loopback "hosts", the ports, the databases, the certificate,
and the environment each node's processes get (the documented production one, DEBUG=0).

    host A  127.0.0.2   proposals web + hubs + listener, workflows web + hubs
    host B  127.0.0.3   the same
    nginx   127.0.0.1   https://127.0.0.1:<proposals port>, https://127.0.0.1:<workflows port>

Each node's public name is 127.0.0.1 (its ALLOWED_HOSTS), on a port of its own at nginx, as the
original's clients expect one origin per node. The nodes call each other through nginx, by that
name, over TLS with a throwaway certificate made by `openssl` for the run.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["HOSTS", "NODES", "PUBLIC", "Databases", "Layout", "make_certificate"]

HOSTS = {"A": "127.0.0.2", "B": "127.0.0.3"}
PUBLIC = "127.0.0.1"  # nginx: each node's public name
NODES = ("proposals", "workflows")
LISTENING = {"proposals"}  # the nodes that follow another node's hub (nodes.json "listeners")


def free_port(*addresses: str) -> int:
    """A port free on every one of `addresses` (one host's instances use the same ports as the other's)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((addresses[0], 0))
            port = probe.getsockname()[1]
        if all(_free(address, port) for address in addresses[1:]):
            return port
    raise RuntimeError(f"no port free on all of {addresses}")


def _free(address: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((address, port))
            return True
        except OSError:
            return False


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), valid for a day: nginx terminates TLS with it."""
    certificate, key = folder / "tls-certificate.pem", folder / "tls-key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={PUBLIC}"]
    command += ["-addext", f"subjectAltName=IP:{PUBLIC}", "-keyout", str(key), "-out", str(certificate)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    return certificate, key


class Databases:
    """A fresh PostgreSQL database per node, with a name of this run's own, dropped at the end."""

    def __init__(self, server: str, run_id: str) -> None:
        self.server = server.rstrip("/")
        self.names = {node: f"dd_rehearse_{run_id}_{node}" for node in NODES}
        self.created: list[str] = []

    def url(self, node: str) -> str:
        return f"{self.server}/{self.names[node]}"

    def create(self) -> None:
        for name in self.names.values():
            self._admin(f'CREATE DATABASE "{name}"')
            self.created.append(name)

    def drop(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    def connections(self) -> dict[str, int]:
        """How many connections each node's database has now (pg_stat_activity)."""
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True, connect_timeout=5) as connection:
            rows = connection.execute(
                "SELECT datname, count(*) FROM pg_stat_activity WHERE datname = ANY(%s) GROUP BY datname",
                [list(self.names.values())],
            ).fetchall()
        counts = dict(rows)
        return {node: counts.get(name, 0) for node, name in self.names.items()}

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True, connect_timeout=5) as connection:
            connection.execute(sql)


@dataclass
class Layout:
    """The ports, secrets and environment of one rehearsal run."""

    root: Path  # the repository
    run_dir: Path  # logs, certificate, nginx's files
    postgres: str
    redis: str
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))

    def __post_init__(self) -> None:
        addresses = list(HOSTS.values())
        self.web_port = {node: free_port(*addresses) for node in NODES}
        self.hubs_port = {node: free_port(*addresses) for node in NODES}
        self.public_port = {node: free_port(PUBLIC) for node in NODES}
        self.secret_key = {node: secrets.token_urlsafe(50) for node in NODES}  # per node, shared by its instances
        self.service_secret = secrets.token_urlsafe(32)
        self.databases = Databases(self.postgres, self.run_id)
        self.certificate, self.certificate_key = self.run_dir / "tls-certificate.pem", self.run_dir / "tls-key.pem"
        self.static_root = self.run_dir / "static"

    def public_url(self, node: str) -> str:
        return f"https://{PUBLIC}:{self.public_port[node]}"

    def public_host(self, node: str) -> str:
        """The Host header nginx passes on (`$http_host`: the name with its port)."""
        return f"{PUBLIC}:{self.public_port[node]}"

    def production_env(self) -> dict[str, str]:
        """docs/operations.md, "The production environment": what every node gets."""
        return {
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
            "SESSION_COOKIE_SECURE": "1",
            "CSRF_COOKIE_SECURE": "1",
            "TRUST_X_FORWARDED_PROTO": "1",
            "REDIS_URL": self.redis,
        }

    def node_env(self, node: str) -> dict[str, str]:
        """What the operator sets for `node` (the same on every host)."""
        own = {
            "NODE": node,
            "SECRET_KEY": self.secret_key[node],
            "ALLOWED_HOSTS": PUBLIC,
            f"{node.upper()}_DATABASE_URL": self.databases.url(node),
            "STATIC_ROOT": str(self.static_root / node),
        }
        if node == "proposals":
            own["WORKFLOWS_GATEWAY_URL"] = self.public_url("workflows")
            own["WORKFLOWS_GATEWAY_TOKEN"] = f"proposals:{self.service_secret}"
        else:
            own["SERVICE_TOKENS"] = f"proposals:{self.service_secret}"
            own["CORS_ALLOWED_ORIGINS"] = self.public_url("proposals")
        return {**self.production_env(), **own}

    def process_env(self, node: str, address: str) -> dict[str, str]:
        """The whole environment of one of `node`'s processes on the host at `address`."""
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.endswith("DATABASE_URL") and name not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        }
        return {
            **inherited,
            # the deploy/bin scripts run `gunicorn`, `uvicorn` and `python` from PATH: this environment's
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            **self.node_env(node),
            # this run's own Redis keys: other runs and test suites may share the server
            "CHANNEL_LAYER_PREFIX": f"dd-rehearse-{self.run_id}",
            # the nodes trust the run's certificate when they call each other through nginx
            "REQUESTS_CA_BUNDLE": str(self.certificate),
            "SSL_CERT_FILE": str(self.certificate),
            # where each instance listens, and how big it is (2 cores for the whole rehearsal)
            "WEB_HOST": address,
            "WEB_PORT": str(self.web_port[node]),
            "HUBS_HOST": address,
            "HUBS_PORT": str(self.hubs_port[node]),
            "WEB_CONCURRENCY": "1",
            "WEB_THREADS": "4",
            "HUBS_THREADS": "4",
            "WEB_GRACEFUL_TIMEOUT": "20",
            "HUBS_GRACEFUL_TIMEOUT": "10",
            "FORWARDED_ALLOW_IPS": PUBLIC,  # nginx connects from 127.0.0.1
        }
