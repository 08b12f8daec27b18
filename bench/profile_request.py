"""Where one request's time goes: the node's (or bare DRF's) WSGI application profiled in-process (not a test).

    .venv/bin/python bench/profile_request.py [--project node|drf] [--measure read|save] [--requests 2000]
                                              [--checkout PATH]

Sets up the project (the proposals node, or bench/baseline's bare DRF with persistent connections)
on a fresh SQLite database in a temporary folder, DEBUG=0, seeds it through its save route, then
calls its WSGI application directly (no server, no socket) `--requests` times for the measure:
a read (GET one entity by id) or a save (POST that creates one). It prints the CPU time per
request without the profiler, then, from a cProfile run of the same requests, the share of the
profiled time spent in each stage (STAGES: the middleware around the view, DRF's authentication,
permission and content negotiation, reading the body, the command's hooks, writes and event, the
commit, the answer's serializer and envelope, rendering), heaviest first, and the functions with
the most time of their own. Stages overlap where one calls another (the event is inside
the command); the middleware line is what the middleware chain costs outside the view.
`--checkout` profiles the project of another checkout (an earlier commit, its node with a
wsgi.py), its packages imported before the ones installed from this one.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAVE_BODY = b'{"title": "Bench", "value": "A proposal saved by wrk"}'
WARMUP = 200  # requests before anything is timed: caches filled, connections open
PROJECTS = {  # folder, settings module, WSGI application, read path, save path, the saved id in an answer
    "node": (
        ROOT / "proposals_node",
        "proposals_project.settings",
        "proposals_project.wsgi",
        "/api/proposal/getFromId/{id}",
        "/api/proposal/save",
        lambda body: body["data"]["id"],
    ),
    "drf": (
        ROOT / "bench" / "baseline",
        "baseline_project.settings",
        "baseline_project.wsgi",
        "/api/proposals/{id}/",
        "/api/proposals/",
        lambda body: body["id"],
    ),
}
# (stage, the functions whose cumulative time it is: "file-suffix:function" of each)
STAGES = [
    ("whole request (Django's WSGI handler)", ["django/core/handlers/wsgi.py:__call__"]),
    ("view (DRF's dispatch)", ["rest_framework/views.py:dispatch"]),
    ("DRF: authentication", ["rest_framework/views.py:perform_authentication"]),
    ("DRF: permission", ["rest_framework/views.py:check_permissions"]),
    ("DRF: content negotiation", ["rest_framework/views.py:perform_content_negotiation"]),
    ("reading the body (parse + validate)", ["distributed_core/api/routes.py:read", "rest_framework/mixins.py:create"]),
    ("command: the save's transaction", ["distributed_core/commands.py:save"]),
    ("command: hooks (the Status row)", ["distributed_core/commands.py:hook"]),
    ("command: the entity's write", ["distributed_core/commands.py:write"]),
    ("command: the event record", ["distributed_core/events/log.py:record_event"]),
    ("commit", ["django/db/backends/base/base.py:commit"]),
    ("query: one entity by id", ["distributed_core/queries.py:get_by_id", "rest_framework/generics.py:get_object"]),
    ("answer: serializer", ["distributed_core/api/routes.py:serialize", "rest_framework/serializers.py:data"]),
    ("answer: envelope", ["distributed_core/api/responses.py:api_response"]),
    ("rendering (camelCase + JSON)", ["rest_framework/response.py:rendered_content"]),
    ("request finished (connections checked)", ["django/db/__init__.py:close_old_connections"]),
]


def set_up(project: str, data_dir: str, checkout: Path = ROOT) -> tuple[Callable, str, str, Callable[[dict], int]]:
    """Django set up for `project` (of `checkout`) on a fresh database in `data_dir`; its app, paths and id reader."""
    folder, settings_module, wsgi_module, read_path, save_path, saved_id = PROJECTS[project]
    folder = checkout / folder.relative_to(ROOT)
    if checkout != ROOT:
        sys.path.insert(0, str(checkout))
    os.environ.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DEBUG="0",
        SECRET_KEY="profile-only-" + "k" * 40,
        ALLOW_ANONYMOUS="1",  # DEBUG=0 closes a node to anonymous callers
        DD_DATA_DIR=data_dir,
        BASELINE_DATA_DIR=data_dir,
        WORKFLOWS_GATEWAY_URL="http://127.0.0.1:9",  # no workflows node: nothing calls it on these routes
    )
    for variable in ("REDIS_URL", "DATABASE_URL", "PROPOSALS_DATABASE_URL", "CONN_MAX_AGE", "BASELINE_VARIANT"):
        os.environ.pop(variable, None)
    sys.path.insert(0, str(folder))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    application = __import__(wsgi_module, fromlist=["application"]).application
    return application, read_path, save_path, saved_id


def environ(method: str, path: str, body: bytes = b"") -> dict:
    """The WSGI environ of a request as gunicorn would make it (loopback, JSON body)."""
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def call(application: Callable, method: str, path: str, body: bytes = b"") -> tuple[str, bytes]:
    """One request through `application`: its status line and body."""
    started: list[str] = []
    result = application(environ(method, path, body), lambda status, headers, exc_info=None: started.append(status))
    try:
        return started[0], b"".join(result)
    finally:
        result.close()  # request_finished, as a server sends it


def stage_times(profile: pstats.Stats, requests: int) -> list[tuple[str, float]]:
    """(stage, microseconds per request) from the profile's cumulative times."""
    found = []
    for stage, functions in STAGES:
        seconds = 0.0
        for (filename, _, name), (_, _, _, cumulative, _) in profile.stats.items():  # type: ignore[attr-defined]
            if any(filename.endswith(f.split(":")[0]) and name == f.split(":")[1] for f in functions):
                seconds = max(seconds, cumulative)
        found.append((stage, seconds / requests * 1e6))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", choices=sorted(PROJECTS), default="node")
    parser.add_argument("--measure", choices=["read", "save"], default="save")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--top", type=int, default=15, help="functions listed by their own time (default 15)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout whose project is profiled")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dd-profile-") as data_dir:
        application, read_path, save_path, saved_id = set_up(args.project, data_dir, args.checkout.resolve())
        ids = [saved_id(json.loads(call(application, "POST", save_path, SAVE_BODY)[1])) for _ in range(20)]
        read_url = read_path.format(id=ids[len(ids) // 2])
        status, body = call(application, "GET", read_url)
        if not status.startswith("200"):
            print(f"{read_url} answered {status}: {body[:300]!r}", file=sys.stderr)
            return 2

        def one() -> None:
            if args.measure == "read":
                call(application, "GET", read_url)
            else:
                call(application, "POST", save_path, SAVE_BODY)

        for _ in range(WARMUP):
            one()
        started = time.process_time()
        for _ in range(args.requests):
            one()
        cpu = (time.process_time() - started) / args.requests * 1e6
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            one()
        profiler.disable()

    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{args.project} {args.measure}: {cpu:.0f} us of CPU per request without the profiler")
    print(f"({args.requests} requests in-process, SQLite, DEBUG=0; load average {load})\n")
    stats = pstats.Stats(profiler)
    times = stage_times(stats, args.requests)
    whole = times[0][1]
    view = times[1][1]
    print(f"{'stage':<42}{'us/request':>11}{'share':>8}   (profiled: the profiler slows Python ~2x)")
    stages = [times[0], ("middleware around the view", whole - view), *sorted(times[1:], key=lambda item: -item[1])]
    for stage, micros in stages:
        if micros > 0:
            print(f"{stage:<42}{micros:>11.0f}{micros / whole:>8.0%}")
    print(f"\nfunctions by their own time (top {args.top}):")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    print("\n".join(line.replace(str(ROOT) + "/", "") for line in lines[start:] if line.strip()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
