"""Benchmark of the REST path: the proposals node against bare DRF, side by side (not a test: it prints figures).

    .venv/bin/python bench/api.py [--rounds 5] [--seconds 5] [--database sqlite|postgres] [--before CHECKOUT]
                                  [--check]    (--help for the rest; about 4 minutes with 5 rounds)

Starts four servers as subprocesses on free 127.0.0.1 ports, each with a fresh, migrated database
(SQLite files in a temporary folder, or temporary PostgreSQL databases with `--database postgres`),
one worker each, DEBUG=0, the in-memory channel layer:

    drf            bench/baseline (bare DRF: one model of Proposal's shape, one ModelViewSet) with
                   persistent connections, SecurityMiddleware and CommonMiddleware only, the JSON
                   renderer only, on gunicorn (sync worker): the headline baseline
    drf-reconnect  the same project as `startproject` leaves it (seven middleware, DRF's default
                   renderers, a new database connection per request) on gunicorn: a second column
    node           the proposals node on its production path: its wsgi.py on gunicorn (sync worker)
    up             the proposals node as `manage_all.py up` serves it: `manage.py serve`, REST and
                   hubs on one port

`--only drf,node` measures some of them; `--before <checkout>` adds the node and up of another
checkout (an earlier commit, whose node has a wsgi.py) as node-before and up-before, in the same
interleaved rounds.

It seeds each with a few rows, then measures with wrk (`-t1 -c8`) the requests/s of a read (GET one
entity by id) and a save (POST that creates one; the node's also writes its Status and its event),
in several rounds. Within a round each target gets `--seconds` of each measure as 1 s wrk runs
that the targets take in turns (in a rotating order), so that the load of others on a shared
machine falls on all of them alike.

It prints, per measure, each round's requests/s and ratios (node/drf, up/node, node/drf-reconnect),
their medians over the rounds (a ratio's median is that of the per-round ratios) and the ratios'
range; whether the targets are met (TARGETS: the node's read >= 0.9x and save >= 0.6x of drf,
up's read >= 0.9x of the node's; `--check` exits 1 when one is not); and the machine's load
average at start and end. Every server is stopped at the end, on an error and on Ctrl-C too; the
PostgreSQL databases are dropped.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BASELINE_DIR = ROOT / "bench" / "baseline"
NODE_DIR = ROOT / "proposals_node"
WRK = shutil.which("wrk") or "/usr/bin/wrk"

START_TIMEOUT = 60.0  # seconds for a server to answer after it is started
MIGRATE_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
SEED_ROWS = 20
SAVE_BODY = '{"title": "Bench", "value": "A proposal saved by wrk"}'
# (measure, numerator, denominator, least ratio): docs/DESIGN's speed targets
TARGETS = [("read", "node", "drf", 0.9), ("save", "node", "drf", 0.6), ("read", "up", "node", 0.9)]
# the ratios each table shows, as (numerator, denominator)
RATIOS = [("node", "drf"), ("up", "node"), ("node", "drf-reconnect")]
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# Variables of the caller's shell that would change what a server runs on.
INHERITED_SETTINGS = ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "DD_DATA_DIR", "RUN_LISTENERS")
INHERITED_SETTINGS += ("CONN_MAX_AGE", "SERVER_THREADS", "BASELINE_VARIANT")


class BenchError(RuntimeError):
    """A server or a measure did not behave; the message says which and where its log is."""


# -- how each target is served -----------------------------------------------------------------


def gunicorn_command(app: str, port: int) -> list[str]:
    """One gunicorn sync worker serving the WSGI `app`, without the per-user control socket.

    The baseline and the node get the same command: one process, one request at a time, a new
    TCP connection per request (the sync worker keeps none alive).
    """
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    return [*command, "--worker-class", "sync", "--no-control-socket"]


def node_served(port: int) -> list[str]:
    """`up`'s server: `manage.py serve`, one worker (REST on the node's threads, hubs on the same port)."""
    return [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]


@dataclass(frozen=True)
class Way:
    """One way of serving a project: its folder, its command (a function of the port) and its environment."""

    project: str  # "baseline" or "node"
    command: Callable[[int], list[str]]
    env: tuple[tuple[str, str], ...] = ()
    root: Path = ROOT  # the checkout whose node it serves (another one: `--before`)


WAYS: dict[str, Way] = {
    "drf": Way("baseline", lambda port: gunicorn_command("baseline_project.wsgi:application", port)),
    "drf-reconnect": Way(
        "baseline",
        lambda port: gunicorn_command("baseline_project.wsgi:application", port),
        (("BASELINE_VARIANT", "reconnect"),),
    ),
    "node": Way("node", lambda port: gunicorn_command("proposals_project.wsgi:application", port)),
    "up": Way("node", node_served),
}
HEADLINE = ("drf", "drf-reconnect", "node", "up")


# -- databases -----------------------------------------------------------------------------------


class Databases:
    """A fresh database per target: a SQLite folder under `tmp`, or a temporary PostgreSQL database."""

    def __init__(self, kind: str, tmp: Path, postgres_url: str) -> None:
        self.kind = kind
        self.tmp = tmp
        self.postgres_url = postgres_url.rstrip("/")
        self.created: list[str] = []

    def env_for(self, target: str, folder_variable: str, url_variable: str) -> dict[str, str]:
        """A new database for `target`: its SQLite folder in `folder_variable`, or its URL in `url_variable`."""
        if self.kind == "sqlite":
            folder = self.tmp / f"{target}-data"
            folder.mkdir()
            return {folder_variable: str(folder)}
        name = f"bench_{target}_{secrets.token_hex(4)}"
        self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return {url_variable: f"{self.postgres_url}/{name}"}

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.postgres_url}/postgres", autocommit=True, connect_timeout=10) as connection:
            connection.execute(sql)


# -- servers -------------------------------------------------------------------------------------


@dataclass
class Target:
    """One server under measure: where it runs, how it starts, and its read and save routes."""

    name: str
    cwd: Path
    command: Callable[[int], list[str]]
    env: dict[str, str]
    read_path: str  # formatted with `id`
    save_path: str
    created_id: Callable[[dict], int]  # the new row's id in the save route's answer
    log_path: Path
    port: int = 0
    process: subprocess.Popen | None = None
    read_id: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def migrate(self) -> None:
        command = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
        with self.log_path.open("ab") as log:
            done = subprocess.run(command, cwd=self.cwd, env=self.env, stdout=log, stderr=log, timeout=MIGRATE_TIMEOUT)
        if done.returncode != 0:
            raise BenchError(f"{self.name}: migrate exited with {done.returncode}\n{self.log_tail()}")

    def start(self) -> None:
        self.port = free_port()
        with self.log_path.open("ab") as log:
            # its own session: a Ctrl-C reaches the bench, which stops the servers in order
            self.process = subprocess.Popen(
                self.command(self.port), cwd=self.cwd, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.process.returncode}\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/api/", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise BenchError(
            f"{self.name} did not answer on {self.url}/api/ within {START_TIMEOUT:.0f}s\n{self.log_tail()}"
        )

    def seed(self, rows: int) -> None:
        """Save `rows` rows through the save route; the middle one is the row the reads get."""
        ids = []
        with requests.Session() as session:
            for _ in range(rows):
                answer = session.post(
                    self.url + self.save_path, data=SAVE_BODY, headers={"Content-Type": "application/json"}, timeout=10
                )
                if answer.status_code not in (200, 201):
                    raise BenchError(f"{self.name}: seeding answered {answer.status_code}: {answer.text[:300]}")
                ids.append(self.created_id(answer.json()))
            self.read_id = ids[len(ids) // 2]
            answer = session.get(self.read_url, timeout=10)
            if answer.status_code != 200:
                raise BenchError(f"{self.name}: {self.read_url} answered {answer.status_code}: {answer.text[:300]}")

    def shown_command(self) -> str:
        """The command line as a reader would type it (`python` for the interpreter's path)."""
        return " ".join("python" if part == sys.executable else part for part in self.command(self.port))

    @property
    def read_url(self) -> str:
        return self.url + self.read_path.format(id=self.read_id)

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: the server and its workers
            process.wait(timeout=STOP_TIMEOUT)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env() -> dict[str, str]:
    """The caller's environment without what would change the servers' database, layer or settings."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k not in INHERITED_SETTINGS}
    env.update({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(32), "PYTHONUNBUFFERED": "1"})
    return env


def make_targets(databases: Databases, ways: dict[str, Way], tmp: Path) -> list[Target]:
    """A Target for each of `ways`, each on a database of its own."""
    targets = []
    for name, way in ways.items():
        if way.project == "baseline":
            database = databases.env_for(name, "BASELINE_DATA_DIR", "DATABASE_URL")
            target = Target(
                name=name,
                cwd=BASELINE_DIR,
                command=way.command,
                env={**base_env(), **database, **dict(way.env)},
                read_path="/api/proposals/{id}/",
                save_path="/api/proposals/",
                created_id=lambda body: body["id"],
                log_path=tmp / f"{name}.log",
            )
        else:
            node_env = {
                **base_env(),
                **databases.env_for(name, "DD_DATA_DIR", "PROPOSALS_DATABASE_URL"),
                # no workflows node here: under `up` the listener runs in-process, retrying a closed port
                "WORKFLOWS_GATEWAY_URL": "http://127.0.0.1:9",
                "ALLOW_ANONYMOUS": "1",  # DEBUG=0 closes a node to anonymous callers
                **dict(way.env),
            }
            if way.root != ROOT:  # the other checkout's packages before the ones installed from this one
                node_env["PYTHONPATH"] = str(way.root)
            target = Target(
                name=name,
                cwd=way.root / NODE_DIR.relative_to(ROOT),
                command=way.command,
                env=node_env,
                read_path="/api/proposal/getFromId/{id}",
                save_path="/api/proposal/save",
                created_id=lambda body: body["data"]["id"],  # the ApiMessage envelope
                log_path=tmp / f"{name}.log",
            )
        targets.append(target)
    return targets


@contextlib.contextmanager
def running(targets: list[Target]) -> Iterator[list[Target]]:
    """Migrate, start and seed every target; stop them all on the way out."""
    try:
        for target in targets:
            target.migrate()
        for target in targets:
            target.start()
            target.seed(SEED_ROWS)
        yield targets
    finally:
        for target in targets:
            target.stop()


# -- measures ------------------------------------------------------------------------------------


@dataclass
class Measure:
    """What one or more wrk runs on a target counted."""

    requests: int = 0
    seconds: float = 0.0
    socket_errors: list[str] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    def add(self, other: Measure) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.socket_errors += other.socket_errors


WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def wrk(url: str, seconds: float, connections: int, script: Path | None = None) -> Measure:
    """One wrk run of `seconds` on `url` (a GET, or what the Lua `script` says); any non-2xx answer fails it."""
    command = [WRK, "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s"]
    command += ["-s", str(script), url] if script else [url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),", done.stdout)
    if done.returncode != 0 or not found:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if non_2xx:
        raise BenchError(f"{url} answered {non_2xx.group(1)} non-2xx responses under wrk:\n{done.stdout}")
    socket_errors = re.findall(r"Socket errors: (.*)", done.stdout)
    return Measure(int(found.group(1)), float(found.group(2)) * WRK_UNITS[found.group(3)], socket_errors)


def save_script(tmp: Path) -> Path:
    """A wrk Lua script that POSTs SAVE_BODY as JSON."""
    script = tmp / "save.lua"
    body = SAVE_BODY.replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(f'wrk.method = "POST"\nwrk.body = "{body}"\nwrk.headers["Content-Type"] = "application/json"\n')
    return script


def rotated(targets: list[Target], by: int) -> list[Target]:
    by %= len(targets)
    return targets[by:] + targets[:by]


def measure_rounds(
    targets: list[Target], rounds: int, seconds: float, slice_seconds: float, warmup: float, connections: int, tmp: Path
) -> dict[str, list[dict[str, Measure]]]:
    """{measure: [{target: Measure} per round]}, after one unrecorded warm-up run of each.

    A round gives each target `seconds` of each measure, cut into slices of `slice_seconds` that
    the targets take in turn (in an order that rotates), so a burst of load from elsewhere on the
    machine falls on all of them alike rather than on whichever target was running then.
    """
    script = save_script(tmp)
    urls = {
        "read": lambda target: (target.read_url, None),
        "save": lambda target: (target.url + target.save_path, script),
    }
    if warmup > 0:
        for url_of in urls.values():
            for target in targets:
                url, body_script = url_of(target)
                wrk(url, warmup, connections, body_script)
    slices = max(1, round(seconds / slice_seconds))
    results: dict[str, list[dict[str, Measure]]] = {kind: [] for kind in urls}
    for round_index in range(rounds):
        for kind, url_of in urls.items():
            measures = {target.name: Measure() for target in targets}
            for slice_index in range(slices):
                for target in rotated(targets, round_index + slice_index):
                    url, body_script = url_of(target)
                    measures[target.name].add(wrk(url, seconds / slices, connections, body_script))
            results[kind].append(measures)
        print(f"  round {round_index + 1}/{rounds} done", flush=True)
    return results


# -- report --------------------------------------------------------------------------------------


def span(values: Iterable[float]) -> str:
    """`lowest-highest` of ratios, e.g. `0.62-0.71x`."""
    ordered = sorted(values)
    return f"{ordered[0]:.2f}-{ordered[-1]:.2f}x"


def report(
    results: dict[str, list[dict[str, Measure]]],
    ratios: list[tuple[str, str]],
    checked: list[tuple[str, str, str, float]],
    seconds: float,
    slice_seconds: float,
    connections: int,
) -> dict[tuple[str, str, str], float]:
    """Print a table per measure; answer {(measure, numerator, denominator): median of the per-round ratios}."""
    medians = {}
    titles = {"read": "read: GET one entity by id", "save": "save: POST that creates one"}
    for kind, per_round in results.items():
        names = list(per_round[0])
        labels = [f"{top}/{bottom}" for top, bottom in ratios]
        widths = [max(len(label) + 2, 12) for label in labels]
        print(f"\n{titles[kind]}, requests/s (wrk -t1 -c{connections}, {seconds:g} s per target per round", end="")
        print(f" in slices of {slice_seconds:g} s)")
        print(f"{'round':<8}" + "".join(f"{name:>15}" for name in names), end="")
        print("".join(f"{label:>{width}}" for label, width in zip(labels, widths, strict=True)))
        figures = [{name: measure.requests_per_second for name, measure in round_.items()} for round_ in per_round]
        per_ratio = [[f[top] / f[bottom] for f in figures] for top, bottom in ratios]
        for index, round_figures in enumerate(figures):
            print(f"{index + 1:<8}" + "".join(f"{round_figures[name]:>15.1f}" for name in names), end="")
            print("".join(f"{values[index]:>{width - 1}.2f}x" for values, width in zip(per_ratio, widths, strict=True)))
        median_figures = {name: statistics.median(f[name] for f in figures) for name in names}
        median_ratios = [statistics.median(values) for values in per_ratio]
        print(f"{'median':<8}" + "".join(f"{median_figures[name]:>15.1f}" for name in names), end="")
        print("".join(f"{value:>{width - 1}.2f}x" for value, width in zip(median_ratios, widths, strict=True)))
        print(f"{'range':<8}" + " " * 15 * len(names), end="")
        print("".join(f"{span(values):>{width}}" for values, width in zip(per_ratio, widths, strict=True)))
        for (top, bottom), value in zip(ratios, median_ratios, strict=True):
            medians[(kind, top, bottom)] = value
        for index, round_ in enumerate(per_round, start=1):
            for name, measure in round_.items():
                for errors in measure.socket_errors:
                    print(f"  note: round {index}, {name}: socket errors {errors}")
    print()
    for kind, top, bottom, least in checked:
        value = medians[(kind, top, bottom)]
        verdict = "met" if value >= least else "NOT met"
        print(f"target: {top} {kind} >= {least:.1f}x {bottom}: {value:.2f}x  {verdict}")
    return medians


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per target, measure and round (default 5)")
    parser.add_argument("--slice", type=float, default=1, help="seconds of one wrk run; targets alternate (default 1)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of the unrecorded warm-up runs (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
        help=f"the server of --database postgres, no database name (TEST_POSTGRES_URL, else {DEFAULT_POSTGRES_URL})",
    )
    parser.add_argument(
        "--only",
        type=lambda text: text.split(","),
        default=list(HEADLINE),
        help=f"measure only these of {','.join(HEADLINE)} (comma list; ratios and targets of others are left out)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of an earlier commit (its node with a wsgi.py): its node and up measured too, as *-before",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is not met")
    args = parser.parse_args(argv)

    # a SIGTERM unwinds like Ctrl-C, so the servers are stopped and the databases dropped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not Path(WRK).exists():  # the load generator is a Debian package, not a Python one
        print(f"bench needs wrk at {WRK}: apt-get install wrk", file=sys.stderr)
        return 2
    unknown = set(args.only) - set(HEADLINE)
    if unknown:
        parser.error(f"--only takes {', '.join(HEADLINE)}, not {', '.join(sorted(unknown))}")
    ways = {name: WAYS[name] for name in HEADLINE if name in args.only}
    extra_ratios = []
    if args.before is not None:
        root = args.before.resolve()
        ways |= {f"{name}-before": dataclasses.replace(WAYS[name], root=root) for name in ("node", "up")}
        extra_ratios += [("node-before", "drf"), ("up-before", "node-before")]
    names = list(ways)
    ratios = [(top, bottom) for top, bottom in [*RATIOS, *extra_ratios] if {top, bottom} <= set(names)]
    checked = [target for target in TARGETS if {target[1], target[2]} <= set(names)]
    print(f"load average at start: {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="dd-bench-api-") as folder:
        tmp = Path(folder)
        databases = Databases(args.database, tmp, args.postgres_url)
        try:
            targets = make_targets(databases, ways, tmp)
            with running(targets):
                print(f"database: {args.database}; one worker each; DEBUG=0", flush=True)
                for target in targets:
                    variables = " ".join(f"{k}={v}" for k, v in ways[target.name].env)
                    shown = f"{variables} {target.shown_command()}".strip()
                    where = target.cwd.relative_to(ROOT) if target.cwd.is_relative_to(ROOT) else target.cwd
                    print(f"  {target.name:<14} {where}: {shown}", flush=True)
                results = measure_rounds(
                    targets, args.rounds, args.seconds, args.slice, args.warmup, args.connections, tmp
                )
                end_load = load_average()  # before the servers stop: the load the measures ran under
        except BenchError as error:
            print(f"bench failed: {error}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted: servers stopped", file=sys.stderr)
            return 130
        finally:
            databases.drop_all()
    medians = report(results, ratios, checked, args.seconds, args.slice, args.connections)
    print(f"load average at end: {end_load}")
    met = all(medians[(kind, top, bottom)] >= least for kind, top, bottom, least in checked)
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
