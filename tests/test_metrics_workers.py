"""With PROMETHEUS_MULTIPROC_DIR (deploy/bin/web sets it), /metrics adds up what every worker process counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from .client import Api
from .nodes import ROOT, free_port, stop_process, wait_until

NODE = ROOT / "proposals_node"

# one "worker": saves `n` proposals through the node's own WSGI application, each counted as it commits
WORKER = """
import sys, django
django.setup()
from django.test import Client
for _ in range(int(sys.argv[1])):
    assert Client().post("/api/proposal/save", {"value": "v"}, content_type="application/json").status_code == 200
"""

SCRAPE = """
import django
django.setup()
from django.test import Client
print(Client().get("/metrics").content.decode())
"""


def run(env: dict[str, str], code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=NODE, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_scrape_adds_up_every_process(tmp_path):
    multiproc = tmp_path / "metrics"
    multiproc.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "proposals_project.settings",
        "DD_DATA_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=NODE, env=env, check=True, timeout=120)
    run(env, WORKER, "2")
    run(env, WORKER, "3")
    lines = run(env, SCRAPE).splitlines()
    assert 'dd_events_appended_total{hub="proposal"} 5.0' in lines  # 2 + 3, from two processes gone since
    saves = [line for line in lines if line.startswith("dd_http_requests_total{") and 'method="POST"' in line]
    assert sum(float(line.rsplit(" ", 1)[1]) for line in saves) == 5


def workers_of(master: int) -> set[int]:
    """The pids of `master`'s child processes (gunicorn's workers), from /proc."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while being read
            continue
        if int(fields[1]) == master:
            children.add(int(stat.parent.name))
    return children


def test_gunicorn_workers_killed_and_replaced_still_add_up(tmp_path):
    """deploy/bin/web: the scrape adds up the counts of every worker, those killed and replaced since included."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")},
        "NODE": "proposals",
        "DEBUG": "1",
        "DD_DATA_DIR": str(tmp_path),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "TMPDIR": str(tmp_path),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=NODE, env=env, check=True, timeout=120)
    log = (tmp_path / "web.log").open("ab")
    web = subprocess.Popen([str(ROOT / "deploy" / "bin" / "web")], env=env, stdout=log, stderr=subprocess.STDOUT)
    api = Api(f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: len(workers_of(web.pid)) == 2, timeout=30, message="two workers")
        wait_until(lambda: api.get("/health/").status_code == 200, timeout=30, message="serving")
        for n in range(4):
            assert api.post("/api/proposal/save", {"title": f"Before {n}", "value": "v"}).status_code == 200
        first = workers_of(web.pid)
        for pid in first:  # every worker that counted is gone: only the shared files remember
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: len(workers_of(web.pid) - first) == 2, timeout=30, message="two new workers")
        wait_until(lambda: api.get("/health/").status_code == 200, timeout=30, message="serving again")
        for n in range(3):
            assert api.post("/api/proposal/save", {"title": f"After {n}", "value": "v"}).status_code == 200
        for _ in range(4):  # whichever worker answers the scrape
            lines = api.get("/metrics").text.splitlines()
            assert 'dd_events_appended_total{hub="proposal"} 7.0' in lines
    finally:
        stop_process(web)
