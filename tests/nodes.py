"""Real node processes for cross-node tests: each node is migrated and served as a deployment serves
it (`manage.py serve`) on a free loopback port, with its own database (a fresh SQLite folder, or
fresh PostgreSQL databases when TEST_POSTGRES_URL is set), and stopped by the test that started it.

A Suite runs with DEBUG=1 (open, as the embedded default) unless `debug=False`: then it is
closed as in deployment, and `add_user` gives people accounts (the same on every node)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 40.0


SUITE_CODE = ["distributed_core", "contracts", "manage_all.py", "nodes.json", "requirements.txt", "pyproject.toml"]


def copy_suite(target: Path, extra: tuple[str, ...] = ()) -> Path:
    """Copy the suite's code (and `extra` node folders) to `target`, e.g. to run startnode there."""
    import shutil

    for name in [*SUITE_CODE, *extra]:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.sqlite3*", "staticfiles")
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy(source, target / name)
    return target


def stop_process(process: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """Terminate `process` (SIGTERM), and kill it if it is still there after `timeout` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    """Poll `condition` until it returns something truthy or the deadline passes."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # keep polling; report the last error on timeout
            last_error = error
        time.sleep(interval)
    raise TimeoutError(f"{message} not reached within {timeout}s (last error: {last_error})")


class Databases:
    """Fresh databases for one set of nodes, removed afterwards."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.postgres = os.environ.get("TEST_POSTGRES_URL", "")
        self.created: list[str] = []

    def env_for(self, node: str) -> dict[str, str]:
        if not self.postgres:
            return {"DD_DATA_DIR": str(self.data_dir)}
        name = f"dd_{node}_{secrets.token_hex(4)}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return {f"{node.upper()}_DATABASE_URL": f"{self.postgres}/{name}"}

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as connection:
            connection.execute(sql)


class NodeProcess:
    """One node served by `manage.py serve` on 127.0.0.1:<free port>."""

    def __init__(
        self, name: str, env: dict[str, str], log_dir: Path, port: int | None = None, root: Path = ROOT
    ) -> None:
        self.name = name
        self.root = root
        self.port = port or free_port()
        self.env = env
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.access_log = False  # the server's access log (off: it costs time; the log tests turn it on)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cwd(self) -> Path:
        return self.root / f"{self.name}_node"

    def migrate(self) -> None:
        self.manage("migrate", "--noinput", "-v", "0")

    def manage(self, *args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """Run `manage.py <args>` of this node with its environment (plus `env`); a failure shows its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.cwd,
            env={**self.env, **(env or {})},
            timeout=120,
            capture_output=True,
            text=True,
        )
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{self.name}: manage.py {' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
            )
        return done

    def start(self) -> NodeProcess:
        command = [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--access-log"] if self.access_log else []
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(self.is_up, timeout=START_TIMEOUT, message=f"{self.name} node ready on {self.url}")
        return self

    def is_up(self) -> bool:
        """Whether the node answers `/ready/` (its database, channel layer and migrations are fine)."""
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"{self.name} node exited with {self.process.returncode}; see {self.log_path}")
        return requests.get(f"{self.url}/ready/", timeout=2).status_code == 200

    def stop(self) -> None:
        stop_process(self.process)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Suite:
    """The proposals and workflows nodes wired to each other.

    `service_token`: each node accepts the other as `<other>:<token>` and presents `<itself>:<token>`.
    `debug=False`: DEBUG=0 with a random SECRET_KEY, so the nodes are closed unless `extra_env` opens them.
    """

    def __init__(
        self, tmp: Path, service_token: str = "", extra_env: dict[str, str] | None = None, debug: bool = True
    ) -> None:
        self.databases = Databases(tmp)
        base = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
        base.update({"DEBUG": "1" if debug else "0", "PYTHONUNBUFFERED": "1"})
        base.update({"DRAIN_SECONDS": "0"})  # nothing routes by readiness here: a stop need not wait
        base.update({"CHANNEL_LAYER_PREFIX": f"dd-{secrets.token_hex(4)}", "SECRET_KEY": secrets.token_urlsafe(50)})
        base.update(extra_env or {})
        ports = {"proposals": free_port(), "workflows": free_port()}
        for name, port in ports.items():
            base[f"{name.upper()}_GATEWAY_URL"] = f"http://127.0.0.1:{port}"
        own: dict[str, dict[str, str]] = {name: {} for name in ports}
        if service_token:
            for name in ports:
                others = [other for other in ports if other != name]
                own[name]["SERVICE_TOKENS"] = ",".join(f"{other}:{service_token}" for other in others)
                for other in others:
                    own[name][f"{other.upper()}_GATEWAY_TOKEN"] = f"{name}:{service_token}"
        self.nodes = {
            name: NodeProcess(name, {**base, **own[name], **self.databases.env_for(name)}, tmp, port)
            for name, port in ports.items()
        }

    @property
    def proposals(self) -> NodeProcess:
        return self.nodes["proposals"]

    @property
    def workflows(self) -> NodeProcess:
        return self.nodes["workflows"]

    def start(self) -> Suite:
        for node in self.nodes.values():
            node.migrate()
        for node in self.nodes.values():
            node.start()
        return self

    def add_user(self, username: str, password: str, *options: str, nodes: tuple[str, ...] = ()) -> None:
        """The account `username` on every node (or on `nodes`): `manage.py setuser` with e.g. `--group=approvers`."""
        for name in nodes or tuple(self.nodes):
            self.nodes[name].manage("setuser", username, *options, env={"DD_USER_PASSWORD": password})

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()
        self.databases.drop_all()
