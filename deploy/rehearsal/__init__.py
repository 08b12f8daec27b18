"""`python3 manage_all.py rehearse`: the production layout on this machine, checked under traffic and failures.

Two "hosts" on loopback addresses (127.0.0.2 and 127.0.0.3) each run both nodes as the image
runs them — `deploy/entrypoint deploy/bin/web` (gunicorn), `.../hubs` (uvicorn), `.../listener` —
after one `deploy/bin/migrate` per node; Debian's nginx runs in front with deploy/nginx.conf
(rendered by deploy/bin/proxy), terminating TLS with a certificate made for the run; the nodes
run on PostgreSQL and Redis with DEBUG=0 and the documented production environment. Then the
checks of `checks.py` run, each printing its figures, and everything is stopped and the run's
databases dropped, whatever happened (Ctrl-C and SIGTERM included). Exit 0 only if every check
holds. Logs stay in var/rehearsal/<time>/.

It imports neither distributed_core nor the tests: it drives the nodes as an operator and their
clients would, over HTTP(S) and WebSockets.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .checks import PASSWORD, Rehearsal, run_checks
from .layout import HOSTS, NODES, Layout, make_certificate
from .processes import Host, Proxy, migrate, one_off

__all__ = ["main"]

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
ACCOUNTS = {"proposer": ["--group=proposers"], "approver": ["--group=approvers"]}  # on every node


class Stop(BaseException):
    """SIGTERM or the time limit: stop everything, as Ctrl-C does."""


def problems(postgres: str, redis_url: str) -> list[str]:
    """What this machine lacks for a rehearsal (empty: nothing)."""
    found = [f"{tool} is not installed" for tool in ("nginx", "openssl") if shutil.which(tool) is None]
    try:
        import psycopg

        psycopg.connect(f"{postgres}/postgres", connect_timeout=3).close()
    except Exception as error:  # any failure: no PostgreSQL
        found.append(f"PostgreSQL is not reachable at {postgres}: {str(error).strip().splitlines()[0]}")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure: no Redis
        found.append(f"Redis is not reachable at {redis_url}: {error}")
    return found


def step(what: str, function, *args):
    started = time.monotonic()
    print(f"  {what} ...", end=" ", flush=True)
    value = function(*args)
    print(f"{time.monotonic() - started:.1f} s", flush=True)
    return value


def set_up(layout: Layout, hosts: dict[str, Host], proxy: Proxy) -> None:
    """The release, as it ships: static files collected (the image's build), migrate once, accounts, hosts, nginx."""
    root, python = layout.root, sys.executable
    step("throwaway TLS certificate (openssl)", make_certificate, layout.run_dir)
    step(f"PostgreSQL databases {', '.join(layout.databases.names.values())}", layout.databases.create)

    def per_node(function) -> None:
        with ThreadPoolExecutor(len(NODES)) as pool:
            list(pool.map(function, NODES))

    def collect(node: str) -> None:
        command = [python, str(root / f"{node}_node" / "manage.py"), "collectstatic", "--noinput", "-v", "0"]
        one_off(command, layout.process_env(node, HOSTS["A"]), root, layout.run_dir / f"collectstatic-{node}.log")

    def accounts(node: str) -> None:
        env = {**layout.process_env(node, HOSTS["A"]), "DD_USER_PASSWORD": PASSWORD}
        for user, options in ACCOUNTS.items():
            command = [python, "manage.py", "setuser", user, *options]
            one_off(command, env, root / f"{node}_node", layout.run_dir / f"setuser-{node}.log")

    step("collectstatic per node (the image's build step)", per_node, collect)
    step("deploy/bin/migrate once per node", per_node, lambda node: migrate(layout, node))
    step(f"accounts {', '.join(ACCOUNTS)} on each node", per_node, accounts)

    def start_hosts() -> None:
        for host in hosts.values():
            host.start()
        for host in hosts.values():
            host.ready()

    step(f"hosts {', '.join(f'{n}={a}' for n, a in HOSTS.items())}: gunicorn, uvicorn, listener, ready", start_hosts)
    step("nginx (deploy/bin/proxy)", proxy.start, list(hosts))
    for node in NODES:
        print(
            f"  {node}: {layout.public_url(node)} -> web :{layout.web_port[node]}, hubs :{layout.hubs_port[node]}"
            f" on {', '.join(HOSTS.values())}",
            flush=True,
        )


def tear_down(layout: Layout, hosts: dict[str, Host], proxy: Proxy) -> None:
    """Stop every process and drop the run's databases, whatever state the run is in."""
    for part in (proxy, *hosts.values()):
        try:
            part.cleanup()
        except Exception as error:  # go on: the rest must stop too
            print(f"  could not stop {part}: {error}", file=sys.stderr)
    try:
        layout.databases.drop()
    except Exception as error:  # report it; the names are unique to this run
        print(f"  could not drop {', '.join(layout.databases.created)}: {error}", file=sys.stderr)
    try:
        import redis

        server = redis.Redis.from_url(layout.redis, socket_connect_timeout=3)
        for key in server.scan_iter(f"dd-rehearse-{layout.run_id}*"):  # the hubs' groups of this run
            server.delete(key)
    except Exception as error:  # report it; the keys expire by themselves within a day
        print(f"  could not remove the run's Redis keys: {error}", file=sys.stderr)


def main(root: Path, argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="manage_all.py rehearse", description=__doc__.split("\n\n")[0])
    options.add_argument("--only", default="", help="run only these checks, e.g. abf")
    options.add_argument("--timeout", type=float, default=900, help="seconds for the whole run (default 900)")
    args = options.parse_args(argv)
    postgres = os.environ.get("REHEARSE_POSTGRES_URL", DEFAULT_POSTGRES)
    redis_url = os.environ.get("REHEARSE_REDIS_URL", DEFAULT_REDIS)
    missing = problems(postgres, redis_url)
    if missing:
        for problem in missing:
            print(f"rehearse: {problem}", file=sys.stderr)
        return 2
    run_dir = root / "var" / "rehearsal" / time.strftime("%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    layout = Layout(root=root, run_dir=run_dir, postgres=postgres, redis=redis_url)
    os.environ["SSL_CERT_FILE"] = str(layout.certificate)  # this process's hub clients trust the run's certificate
    hosts = {name: Host(name, layout) for name in HOSTS}
    proxy = Proxy(layout)

    def stop(signum, frame):
        raise Stop(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(int(args.timeout))
    started = time.monotonic()
    print(f"Rehearsal {layout.run_id}: logs in {run_dir.relative_to(root)}", flush=True)
    results, failure = [], ""
    try:
        set_up(layout, hosts, proxy)
        results = run_checks(Rehearsal(layout, hosts, proxy), args.only)
    except KeyboardInterrupt:
        failure = "interrupted (Ctrl-C)"
    except Stop as reason:
        failure = f"stopped by {reason} (time limit {args.timeout:.0f} s)" if str(reason) == "SIGALRM" else f"{reason}"
    except Exception as error:  # set-up failed: say why, then stop everything
        failure = f"set-up failed: {type(error).__name__}: {error}"
    finally:
        signal.alarm(0)
        print("\nStopping every process and dropping the run's databases ...", flush=True)
        tear_down(layout, hosts, proxy)
    print(f"\n===== rehearsal {layout.run_id}: {time.monotonic() - started:.0f} s =====")
    for check in results:
        print(f"  ({check.letter}) {'holds' if check.ok else 'FAILS'}  {check.title}")
        for reason in check.failures:
            print(f"        {reason}")
    if failure:
        print(f"  {failure}")
    ok = not failure and results and all(check.ok for check in results)
    print("All checks hold." if ok else "Not every check holds.")
    return 0 if ok else 1
