"""The rehearsal's processes, started as the image starts them: `deploy/entrypoint deploy/bin/<role>`.

A `Host` is one loopback address with every process of both nodes on it (web, hubs, the
listener of a node that listens); it stops gracefully (SIGTERM, as an orchestrator does), dies
(SIGKILL of every process it runs, as a machine that loses power), and starts again. The
`Proxy` is Debian's nginx in the foreground with deploy/nginx.conf rendered by deploy/bin/proxy,
under a prefix of the run's own (never the system's service); it is told which hosts to route
to, and reloads without dropping a request. Every process runs in its own session, so a Ctrl-C
reaches only the rehearsal, which then stops them all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from .layout import HOSTS, LISTENING, NODES, PUBLIC, Layout

__all__ = ["Host", "Process", "Proxy", "migrate", "one_off", "wait_for"]


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll `condition` until it returns something truthy; TimeoutError naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # keep polling; the last error goes into the timeout's message
            last = error
        time.sleep(interval)
    raise TimeoutError(f"{what} not within {timeout:.0f} s" + (f" (last error: {last})" if last else ""))


def one_off(command: list[str], env: dict[str, str], cwd: Path, log: Path, timeout: float = 300) -> None:
    """Run a one-off process to its end (its output in `log`); RuntimeError naming the log if it fails."""
    with log.open("ab") as out:
        done = subprocess.run(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[-3:])} exited with {done.returncode}; see {log}")


def migrate(layout: Layout, node: str) -> None:
    """`deploy/entrypoint deploy/bin/migrate` for `node`: once per release, before its processes (re)start."""
    command = [str(layout.root / "deploy" / "entrypoint"), str(layout.root / "deploy" / "bin" / "migrate")]
    one_off(command, layout.process_env(node, HOSTS["A"]), layout.root, layout.run_dir / f"migrate-{node}.log")


class Process:
    """One long-running process, its output in a log file of the run."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
        self.name, self.command, self.env, self.log, self.cwd = name, command, env, log, cwd
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, number: int) -> None:
        """Send `number` to the process itself (the server: the entrypoint exec's it), as an orchestrator does."""
        if self.running:
            os.kill(self.popen.pid, number)

    def kill_all(self) -> None:
        """SIGKILL the process and everything it started (its session's group): nothing of it survives."""
        if self.popen is not None:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.popen.wait(timeout=10)

    def wait(self, timeout: float) -> int:
        assert self.popen is not None
        return self.popen.wait(timeout=timeout)


class Host:
    """One "machine": every process of both nodes on one loopback address."""

    def __init__(self, name: str, layout: Layout) -> None:
        self.name, self.layout, self.address = name, layout, HOSTS[name]
        self.processes: list[Process] = []
        self.starts = 0

    def instances(self) -> list[tuple[str, str, int]]:
        """(node, role, port) of every HTTP server of this host."""
        found = []
        for node in NODES:
            found += [(node, "web", self.layout.web_port[node]), (node, "hubs", self.layout.hubs_port[node])]
        return found

    def start(self) -> None:
        self.starts += 1
        self.processes = []
        root = self.layout.root
        for node in NODES:
            roles = ["web", "hubs", *(["listener"] if node in LISTENING else [])]
            for role in roles:
                name = f"{self.name}/{node}/{role}"
                log = self.layout.run_dir / f"{self.name}-{node}-{role}.log"
                command = [str(root / "deploy" / "entrypoint"), str(root / "deploy" / "bin" / role)]
                process = Process(name, command, self.layout.process_env(node, self.address), log, root)
                process.start()
                self.processes.append(process)

    def ready(self, timeout: float = 120.0) -> float:
        """Wait until every instance answers `/ready/` 200 (asked by its own address, plain HTTP); seconds waited."""
        started = time.monotonic()

        def all_ready() -> bool:
            for process in self.processes:
                if not process.running:
                    raise RuntimeError(f"{process.name} exited with {process.popen.returncode}; see {process.log}")
            return all(self.probe(port, "/ready/") == 200 for _, _, port in self.instances())

        wait_for(all_ready, timeout, f"host {self.name} ready", interval=0.3)
        return time.monotonic() - started

    def probe(self, port: int, path: str) -> int:
        return requests.get(f"http://{self.address}:{port}{path}", timeout=5).status_code

    def stop(self, timeout: float = 40.0) -> dict[str, int]:
        """SIGTERM every process (each ends its work as it does under an orchestrator); their exit codes."""
        for process in self.processes:
            process.signal(signal.SIGTERM)
        codes = {}
        for process in self.processes:
            try:
                codes[process.name] = process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill_all()
                codes[process.name] = -9
        for process in self.processes:
            process.kill_all()  # anything it left behind (a gunicorn worker) goes too
        return codes

    def kill(self) -> None:
        """The machine dies: SIGKILL to everything it runs, at once."""
        for process in self.processes:
            try:
                os.killpg(process.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for process in self.processes:
            process.popen.wait(timeout=10)

    def cleanup(self) -> None:
        for process in self.processes:
            if process.popen is not None and process.popen.poll() is None:
                process.signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes:
            if process.popen is None:
                continue
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            process.kill_all()


class Proxy:
    """nginx in front of the hosts, with deploy/'s config: `route(hosts)` says which hosts get traffic."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.prefix = layout.run_dir / "nginx"
        self.process: Process | None = None
        self.reloads = 0

    def env(self, hosts: list[str]) -> dict[str, str]:
        env = {
            **os.environ,
            "PROXY_NODES": " ".join(NODES),
            "PROXY_CONF_DIR": str(self.prefix / "sites"),
            "PROXY_ACCESS_LOG": str(self.prefix / "access.log"),
            "TLS_CERTIFICATE": str(self.layout.certificate),
            "TLS_CERTIFICATE_KEY": str(self.layout.certificate_key),
        }
        for node in NODES:
            upper = node.upper()
            env[f"{upper}_LISTEN"] = f"{PUBLIC}:{self.layout.public_port[node]}"
            env[f"{upper}_SERVER_NAME"] = PUBLIC
            env[f"{upper}_WEB_SERVERS"] = " ".join(f"{HOSTS[h]}:{self.layout.web_port[node]}" for h in hosts)
            env[f"{upper}_HUBS_SERVERS"] = " ".join(f"{HOSTS[h]}:{self.layout.hubs_port[node]}" for h in hosts)
        return env

    def main_config(self) -> Path:
        """The `nginx.conf` around deploy/'s sites: this run's pid, logs and temp folders (the image has its own)."""
        for folder in ("sites", "temp"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        temp = self.prefix / "temp"
        # as root, nginx's workers would run as nobody, who cannot enter this run's folders
        user = "user root;\n" if os.geteuid() == 0 else ""
        config = self.prefix / "nginx.conf"
        config.write_text(
            f"{user}worker_processes 2;\npid {self.prefix}/nginx.pid;\nerror_log {self.prefix}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            + "".join(f"    {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi"))
            + f"    scgi_temp_path {temp}/scgi;\n"
            f"    include {self.prefix}/sites/*.conf;\n}}\n"
        )
        return config

    def start(self, hosts: list[str]) -> None:
        config = self.main_config()
        command = [str(self.layout.root / "deploy" / "bin" / "proxy"), "-e", "stderr", "-p", str(self.prefix)]
        command += ["-c", str(config)]
        self.process = Process("nginx", command, self.env(hosts), self.layout.run_dir / "nginx.log", self.layout.root)
        self.process.start()
        url = self.layout.public_url("proposals")
        wait_for(lambda: requests.get(f"{url}/health/", verify=str(self.layout.certificate), timeout=5), 30, "nginx")

    def workers(self) -> set[int]:
        """The pids of the nginx master's worker processes (they change when a reload is applied)."""
        master = str(self.process.popen.pid)
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == master:
                found.add(int(stat.parent.name))
        return found

    def route(self, hosts: list[str]) -> float:
        """Route to `hosts` only: render the sites again and reload (SIGHUP); seconds until new workers run."""
        started = time.monotonic()
        before = self.workers()
        command = [str(self.layout.root / "deploy" / "bin" / "proxy"), "render"]
        subprocess.run(command, env=self.env(hosts), check=True, capture_output=True, timeout=30)
        self.process.signal(signal.SIGHUP)
        wait_for(lambda: self.workers() - before, 20, "nginx reloaded")
        self.reloads += 1
        return time.monotonic() - started

    def cleanup(self) -> None:
        if self.process is not None and self.process.running:
            self.process.signal(signal.SIGQUIT)  # nginx's graceful stop
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            self.process.kill_all()
