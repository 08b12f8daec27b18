#!/usr/bin/env python3
"""One entry point for every node of the suite: set-up, migrate, seed, up, test, check.

    python3 manage_all.py up      # set up .venv, migrate, seed, serve every node (Ctrl-C stops)
    python3 manage_all.py test    # set up .venv, run every node's tests and the cross-node tests

Also: migrate, seed, check [--deploy], setuser NAME [--group G], startnode NAME --entity ENTITY
[--listen NODE/HUB], and rehearse (the production layout of deploy/ on this machine, checked; see
docs/deployment.md). Every subcommand: docs/reference/commands.md.
Set DD_SKIP_VENV=1 to use the current Python environment instead of .venv: it must have
requirements.txt installed and this project too (`pip install -e . --no-deps`), since the nodes
import distributed_core and contracts as installed packages.

Only the standard library is imported before the virtual environment exists: the first run
creates `.venv`, installs requirements.txt into it, then the project itself in editable mode
(again whenever requirements.txt or pyproject.toml changes), and re-runs itself with the
environment's Python.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements.txt"
PYPROJECT = ROOT / "pyproject.toml"
STAMP = VENV / ".requirements.sha256"  # of requirements.txt and pyproject.toml as last installed
NODES = json.loads((ROOT / "nodes.json").read_text())
# the official SignalR browser client, once `npm ci` has run here (package.json); the nodes serve it
SIGNALR_BROWSER = ROOT / "node_modules" / "@microsoft" / "signalr" / "dist" / "browser"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


# -- the virtual environment -------------------------------------------------------------------


def ensure_environment() -> None:
    """Create or refresh .venv, then continue inside it (re-exec). DD_SKIP_VENV=1: use the current Python."""
    if os.environ.get("DD_SKIP_VENV") == "1":
        return
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + PYPROJECT.read_bytes()).hexdigest()
    if not VENV_PYTHON.exists():
        print(f"Creating {VENV.relative_to(ROOT)} ...", flush=True)
        venv.create(VENV, with_pip=True)
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing requirements.txt and the project (editable) into .venv ...", flush=True)
        pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
        # the pinned setuptools from requirements.txt builds it: nothing else to download
        subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
        STAMP.write_text(wanted)
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]])


def node_dir(name: str) -> Path:
    return ROOT / f"{name}_node"


def manage(name: str, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=node_dir(name), check=True, env=env)


# -- subcommands -------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    for node in NODES:
        print(f"== migrate {node['name']}", flush=True)
        manage(node["name"], "migrate", "--noinput", "-v", "0")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    for node in NODES:
        manage(node["name"], "seed")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    extra = ["--deploy"] if args.deploy else []
    for node in NODES:
        print(f"== check {node['name']}", flush=True)
        manage(node["name"], "check", *extra)
    return 0


def cmd_setuser(args: argparse.Namespace) -> int:
    """The same account on every node (each node has its own users): one password, asked once."""
    env = dict(os.environ)
    if not env.get("DD_USER_PASSWORD") and sys.stdin.isatty():
        first = getpass.getpass(f"Password for {args.username} on every node (empty: keep the current one): ")
        if first and first != getpass.getpass("Again: "):
            print("The two passwords differ.", file=sys.stderr)
            return 2
        if first:
            env["DD_USER_PASSWORD"] = first
    options = [f"--group={group}" for group in args.group]
    options += [f"--permission={permission}" for permission in args.permission]
    options += [f"--{flag}" for flag in ("superuser", "staff", "disable", "enable") if getattr(args, flag)]
    for node in NODES:
        print(f"== setuser {node['name']}", flush=True)
        manage(node["name"], "setuser", args.username, *options, env=env)
    return 0


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def local_address(host: str) -> str:
    """Where this machine reaches a server bound to `host` (a wildcard address means loopback), URL-ready."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"[{host}]" if ":" in host else host


def server_command(host: str, port: int, workers: int) -> list[str]:
    """How a deployment serves a node: `manage.py serve` (REST and hubs on one port; see docs/operations.md)."""
    return [sys.executable, "manage.py", "serve", "--host", host, "--port", str(port), "--workers", str(workers)]


def cmd_up(args: argparse.Namespace) -> int:
    from distributed_core.serving.supervisor import Program, Supervisor

    if args.workers > 1 and not os.environ.get("REDIS_URL"):
        print("--workers > 1 needs REDIS_URL: workers of one node share events through Redis.", file=sys.stderr)
        return 2
    taken = [n for n in NODES if port_in_use(args.host, n["port"])]
    if taken:
        for node in taken:
            print(
                f"Port {node['port']} on {args.host} is taken: the {node['name']} node cannot start there.",
                file=sys.stderr,
            )
        print("Stop whatever uses it (another `manage_all.py up`?) and try again.", file=sys.stderr)
        return 2
    missing_js = ensure_js_packages()
    if missing_js:
        print(f"NOTE: {missing_js}; the pages will work without live updates.", flush=True)
    cmd_migrate(args)
    cmd_seed(args)
    env = dict(os.environ)
    for node in NODES:
        env.setdefault(f"{node['name'].upper()}_GATEWAY_URL", f"http://{args.host}:{node['port']}")
    env.setdefault("DRAIN_SECONDS", "0")  # no balancer reads readiness here: Ctrl-C stops at once
    if args.workers > 1:
        env["RUN_LISTENERS"] = "0"  # one `manage.py listen` per node instead of one per worker
    programs: list[Program] = []
    for node in NODES:
        command = server_command(args.host, node["port"], args.workers)
        health = f"http://{local_address(args.host)}:{node['port']}/health/"
        programs.append(Program(f"{node['name']} node", command, node_dir(node["name"]), health_url=health))
        if args.workers > 1 and node.get("listeners"):
            listen = [sys.executable, "manage.py", "listen"]
            programs.append(Program(f"{node['name']} listener", listen, node_dir(node["name"])))
    print()
    for node in NODES:
        base = f"http://{args.host}:{node['port']}"
        print(f"  {node['name']:<10} {base}/api/   swagger: {base}/swagger/   admin: {base}/admin/")
        print(f"  {'':<10} events: {base.replace('http', 'ws')}/events/<hub>   status: {base}/events/status")
    print("\nA node that stops is restarted. Press Ctrl-C to stop every node.", flush=True)
    code = Supervisor(programs, env).run()
    print("All nodes stopped.")
    return code


def cmd_startnode(args: argparse.Namespace) -> int:
    from distributed_core.scaffold import ScaffoldError, parse_listen, render_node, validate_names

    port = args.port or max(node["port"] for node in NODES) + 1
    target = node_dir(args.name)
    try:
        validate_names(args.name, args.entity, {node["name"] for node in NODES})
        suite = {node["name"] for node in NODES}
        listens = [parse_listen(spec, args.name, suite, ROOT / "contracts") for spec in args.listen]
        if target.exists():
            raise ScaffoldError(f"{target.relative_to(ROOT)} already exists")
        if not 1024 <= port <= 65535:
            raise ScaffoldError(f"Invalid port {port}: use 1024-65535")
        owner = next((node["name"] for node in NODES if node["port"] == port), None)
        if owner:
            raise ScaffoldError(f"Port {port} is taken by the {owner} node")
        if port_in_use("127.0.0.1", port):
            raise ScaffoldError(f"Port {port} is in use on this machine")
    except ScaffoldError as error:
        print(f"startnode: {error}", file=sys.stderr)
        return 2
    layout = {"suite_file": "nodes.json", "signalr_browser": SIGNALR_BROWSER.relative_to(ROOT).as_posix()}
    written = render_node(target, args.name, args.entity, port, listens=listens, **layout)
    manage(args.name, "makemigrations", args.name, "-v", "0")
    # a node that listens runs its listeners in a process of their own under `up --workers N`
    NODES.append({"name": args.name, "port": port, **({"listeners": True} if listens else {})})
    (ROOT / "nodes.json").write_text(json.dumps(NODES, indent=2) + "\n")
    print(f"Created the {args.name} node ({len(written)} files) in {target.relative_to(ROOT)}/, port {port}.")
    print("It is registered in nodes.json: `manage_all.py up` serves it, `manage_all.py test` tests it.")
    print(f"Try: python3 manage_all.py up, then curl http://127.0.0.1:{port}/api/{args.entity.lower()}/get")
    return 0


def cmd_rehearse(args: argparse.Namespace) -> int:
    """deploy/rehearsal: two loopback hosts, nginx, PostgreSQL and Redis, checked under traffic and failures."""
    missing_js = ensure_js_packages()  # the image's build runs `npm ci`: the apps' SignalR client ships collected
    if missing_js:
        print(f"NOTE: {missing_js}; the apps' live updates are left out of the static files.", flush=True)
    sys.path.insert(0, str(ROOT / "deploy"))
    from rehearsal import main as rehearse

    rehearse_args = args.rehearse_args[1:] if args.rehearse_args[:1] == ["--"] else args.rehearse_args
    return rehearse(ROOT, rehearse_args)


# -- tests -------------------------------------------------------------------------------------


def postgres_problem(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else why not."""
    try:
        import psycopg

        with psycopg.connect(f"{url}/postgres", connect_timeout=3):
            return None
    except Exception as error:  # any failure means: no PostgreSQL run
        return f"PostgreSQL is not reachable at {url}: {str(error).strip().splitlines()[0] if str(error) else error}"


def redis_problem(url: str) -> str | None:
    """None when Redis answers PING at `url`, else why not."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return None
    except Exception as error:  # any failure means: no Redis run
        return f"Redis is not reachable at {url}: {error}"


JS_FOLDERS = (ROOT, ROOT / "tests" / "signalr_js")  # the apps' SignalR client; the protocol tests' one


def ensure_js_packages() -> str | None:
    """`npm ci` every JS folder whose lock changed since the last install; None when all are ready."""
    folders = [folder for folder in JS_FOLDERS if (folder / "package-lock.json").exists()]
    if not folders:
        return None
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "Node.js and npm are needed for the SignalR JavaScript client (live pages, protocol tests)"
    for folder in folders:
        stamp = folder / "node_modules" / ".lock.sha256"
        wanted = hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()
        if not stamp.exists() or stamp.read_text() != wanted:
            print(f"Installing JavaScript packages in {folder.relative_to(ROOT) or '.'} (npm ci) ...", flush=True)
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(folder)], check=True)
            stamp.write_text(wanted)
    return None


CHROMIUM = Path("/usr/bin/chromium")


CORE_TESTS = ROOT / "distributed_core" / "tests"  # the core's own tests, in a minimal project of their own


def suites(ignored: list[str], browser: bool) -> list[tuple[str, Path, list[str]]]:
    """(name, folder, pytest targets): the core's tests, each node's own, the cross-node tests, the browser tests."""
    found = [("core", CORE_TESTS, [])]
    found += [(node["name"], node_dir(node["name"]), []) for node in NODES]
    found.append(("cross-node", ROOT, ["tests", "--ignore=tests/browser", *(f"--ignore={path}" for path in ignored)]))
    if browser:
        found.append(("browser", ROOT, ["tests/browser"]))
    return found


def run_suites(label: str, env: dict[str, str], args: argparse.Namespace, results: dict, **options) -> None:
    report_dir = ROOT / "var" / "reports"
    report_dir.mkdir(parents=True, exist_ok=True)
    pytest_args = args.pytest_args[1:] if args.pytest_args[:1] == ["--"] else args.pytest_args  # `test -- -x`
    for name, cwd, target in suites(**options):
        report = report_dir / f"{label}-{name}.xml"
        report.unlink(missing_ok=True)
        print(f"\n===== [{label}] {name} =====", flush=True)
        command = [sys.executable, "-m", "pytest", *target, f"--junitxml={report}", *pytest_args]
        code = subprocess.run(command, cwd=cwd, env=env).returncode
        results[f"{label}/{name}"] = (code, read_report(report))


def collected(cwd: Path, target: list[str], env: dict[str, str]) -> int:
    """How many tests pytest would run for `target` (collected, not run), to count a part that is skipped."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", *target]
    output = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True).stdout
    return sum(1 for line in output.splitlines() if "::" in line)


def skip_part(skipped_parts: list, reason: str, parts: list[tuple[str, Path, list[str]]], env: dict[str, str]) -> None:
    """Say now that `parts` will not run and why, and remember how many tests they hold for the summary."""
    print(f"\nSKIPPED {reason}", flush=True)
    skipped_parts.append((reason, sum(collected(cwd, target, env) for _, cwd, target in parts)))


def read_report(report: Path) -> dict[str, int]:
    import xml.etree.ElementTree as ET

    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if not report.exists():
        return counts
    root = ET.parse(report).getroot()
    for suite in root.iter("testsuite"):
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    return counts


def cmd_test(args: argparse.Namespace) -> int:
    in_ci = os.environ.get("CI", "").lower() == "true"
    # each run chooses its own services: nothing inherited may point a run at another database
    dropped = {"REDIS_URL", "TEST_POSTGRES_URL", "TEST_REDIS_URL"}
    base_env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k not in dropped}
    results: dict[str, tuple[int, dict[str, int]]] = {}
    problems: list[str] = []
    ignored: list[str] = []  # optional parts this machine cannot run (outside CI only)
    skipped_parts: list[tuple[str, int]] = []  # (why, how many tests) of what is not run, for the summary
    missing_js = ensure_js_packages()
    if missing_js and in_ci:
        problems.append(f"FAILED: {missing_js}")
    elif missing_js:
        js_tests = [("js", ROOT, ["tests/test_hub_protocol_js.py"]), ("browser", ROOT, ["tests/browser"])]
        skip_part(skipped_parts, f"the SignalR JavaScript client and browser tests: {missing_js}", js_tests, base_env)
        ignored.append("tests/test_hub_protocol_js.py")
    browser = not missing_js
    if not CHROMIUM.exists():
        if in_ci:
            problems.append(f"FAILED: the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
        elif browser:
            reason = f"the browser tests: no Chromium at {CHROMIUM} (apt-get install chromium)"
            skip_part(skipped_parts, reason, [("browser", ROOT, ["tests/browser"])], base_env)
        browser = False
    redis_url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)
    no_redis = redis_problem(redis_url)
    if no_redis is None:
        base_env["TEST_REDIS_URL"] = redis_url  # the several-worker tests use it in every run
    elif in_ci:
        problems.append(f"FAILED: Redis is required in CI. {no_redis}")
    else:
        print(f"\nNOTE: {no_redis}: the several-worker tests will be skipped and the Redis run too.", flush=True)
    if not args.postgres_only:
        # the browser tests exercise pages, not databases: they run once, on the embedded default
        run_suites("sqlite", base_env, args, results, ignored=ignored, browser=browser)
    if not args.sqlite_only:
        url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
        problem = postgres_problem(url) or no_redis
        if problem is None:
            env = {**base_env, "TEST_POSTGRES_URL": url, "REDIS_URL": redis_url}
            for name in ["core", *(node["name"] for node in NODES)]:
                env[f"{name.upper()}_DATABASE_URL"] = f"{url}/dd_{name}"
            run_suites("postgres+redis", env, args, results, ignored=ignored, browser=False)
        elif in_ci:
            problems.append(f"FAILED: the PostgreSQL + Redis run is required in CI. {problem}")
        else:
            parts = suites(ignored=ignored, browser=False)
            skip_part(skipped_parts, f"the PostgreSQL + Redis run: {problem}", parts, base_env)
    print("\n===== summary =====")
    passed = failed = skipped = 0
    for key, (code, counts) in results.items():
        bad = counts["failures"] + counts["errors"]
        passed += counts["tests"] - bad - counts["skipped"]
        failed += bad
        skipped += counts["skipped"]
        state = "ok" if code == 0 else f"exit {code}"
        print(f"  {key:<24} {counts['tests']:>4} tests  {bad} failed  {counts['skipped']} skipped  ({state})")
        if code != 0 and bad == 0:
            problems.append(f"FAILED: {key} exited with code {code}")
    for reason, count in skipped_parts:
        print(f"  skipped {count} tests: {reason}")
        skipped += count
    for problem in problems:
        print(problem)
    failed += len(problems)
    print(f"total: {passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 and results else 1


# -- command line ------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="manage_all.py", description=__doc__.split("\n\n")[0])
    sub = main.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply every node's migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("seed", help="load every node's seed data (idempotent)").set_defaults(func=cmd_seed)
    check = sub.add_parser("check", help="run Django's system checks on every node")
    check.add_argument("--deploy", action="store_true", help="include the deployment checks")
    check.set_defaults(func=cmd_check)
    up = sub.add_parser("up", help="migrate, seed and serve every node until Ctrl-C")
    up.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    up.add_argument("--workers", type=int, default=1, help="ASGI worker processes per node (needs REDIS_URL when > 1)")
    up.set_defaults(func=cmd_up)
    setuser = sub.add_parser("setuser", help="create or update one account on every node (password: DD_USER_PASSWORD)")
    setuser.add_argument("username", help="the account's name, the same on every node")
    setuser.add_argument("--group", action="append", default=[], help="e.g. approvers (skipped where missing)")
    setuser.add_argument("--permission", action="append", default=[], help="e.g. workflows.view_package")
    flags = {
        "superuser": "every permission, and the admin",
        "staff": "may sign in to the admin",
        "disable": "disable the account (it can no longer sign in)",
        "enable": "enable a disabled account",
    }
    for flag, text in flags.items():
        setuser.add_argument(f"--{flag}", action="store_true", help=text)
    setuser.set_defaults(func=cmd_setuser)
    startnode = sub.add_parser("startnode", help="generate a new node beside the others and register it")
    startnode.add_argument("name", help="lowercase node name, e.g. invoices (the folder is <name>_node)")
    startnode.add_argument("--entity", required=True, help="CamelCase name of its Entity, e.g. Invoice")
    startnode.add_argument("--port", type=int, help="its port (default: the highest port in nodes.json + 1)")
    startnode.add_argument(
        "--listen",
        action="append",
        default=[],
        metavar="NODE/HUB",
        help="follow that hub of another node with a saga, e.g. workflows/package (repeatable)",
    )
    startnode.set_defaults(func=cmd_startnode)
    rehearse = sub.add_parser(
        "rehearse", help="run deploy/'s production layout on this machine (nginx, PostgreSQL, Redis) and check it"
    )
    rehearse.add_argument("rehearse_args", nargs=argparse.REMAINDER, help="e.g. --only abf, --timeout 600")
    rehearse.set_defaults(func=cmd_rehearse)
    test = sub.add_parser(
        "test", help="run every node's tests and the cross-node tests: SQLite + in-memory, then PostgreSQL + Redis"
    )
    only = test.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true", help="skip the PostgreSQL + Redis run")
    only.add_argument("--postgres-only", action="store_true", help="skip the SQLite + in-memory run")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest (e.g. -k approve)")
    test.set_defaults(func=cmd_test)
    return main


def main() -> int:
    args = parser().parse_args()  # --help works before any set-up
    ensure_environment()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
