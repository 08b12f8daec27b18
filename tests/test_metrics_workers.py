"""With PROMETHEUS_MULTIPROC_DIR, /metrics adds up what every worker process of a node counted."""

from __future__ import annotations

import subprocess
import sys

from .nodes import ROOT

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
