"""`manage_all.py rehearse` passes: deploy/'s layout on two loopback hosts behind nginx, on PostgreSQL and Redis,
holds every check (a) to (f) and prints its figures.

It needs nginx, PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379): outside CI a
machine without them skips it with the reason; in CI (CI=true) they must be there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

from rehearsal import DEFAULT_POSTGRES, DEFAULT_REDIS, problems  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"


def test_the_rehearsal_holds_every_check():
    missing = problems(DEFAULT_POSTGRES, DEFAULT_REDIS)
    if missing:
        reason = "the rehearsal needs " + "; ".join(missing)
        pytest.fail(reason) if IN_CI else pytest.skip(reason)
    # the suite's own services must not leak into the nodes the rehearsal starts: it sets its own
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env["DD_SKIP_VENV"] = "1"  # this Python already has the requirements and the project
    command = [sys.executable, "manage_all.py", "rehearse", "--", "--timeout", "840"]
    rehearse = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = rehearse.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        rehearse.terminate()  # SIGTERM: it stops every process it started and drops its databases
        stdout, stderr = rehearse.communicate(timeout=60)
    print(stdout[-20000:])
    assert rehearse.returncode == 0, stdout[-6000:] + stderr[-3000:]
    for letter in "abcdef":
        assert f"({letter}) holds" in stdout
    assert "All checks hold." in stdout
