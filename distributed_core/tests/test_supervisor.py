"""The Supervisor with real child processes: restarts with backoff, liveness probes, stopping whole groups."""

from __future__ import annotations

import os
import re
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from distributed_core.serving.supervisor import Program, Supervisor

FAST = {"first_backoff": 0.1, "max_backoff": 0.4, "stable_after": 5.0, "stop_timeout": 5.0}


def run_for(supervisor: Supervisor, seconds: float) -> None:
    """Run `supervisor` (in this, the main thread: it installs signal handlers) and stop it after `seconds`."""
    timer = threading.Timer(seconds, supervisor.request_stop)
    timer.start()
    try:
        assert supervisor.run() == 0
    finally:
        timer.cancel()


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_program_that_exits_is_restarted_with_a_doubling_backoff(tmp_path):
    lines: list[str] = []
    failing = Program("failing node", python("import sys; sys.exit(3)"), tmp_path)
    run_for(Supervisor([failing], dict(os.environ), log=lines.append, **FAST), 2.0)
    assert lines[0].startswith("supervisor: started the failing node (pid ")
    delays = [float(found) for line in lines for found in re.findall(r"restarting it in ([\d.]+) s", line)]
    assert delays[:4] == [0.1, 0.2, 0.4, 0.4], lines
    assert all("exited with code 3" in line for line in lines if "restarting" in line)
    assert any(line.startswith("supervisor: restarted the failing node") for line in lines)


def test_a_program_that_stayed_up_long_enough_starts_its_backoff_over(tmp_path):
    lines: list[str] = []
    flaky = Program("flaky node", python("import time; time.sleep(0.3)"), tmp_path)
    run_for(Supervisor([flaky], dict(os.environ), log=lines.append, **{**FAST, "stable_after": 0.2}), 2.0)
    delays = [float(found) for line in lines for found in re.findall(r"restarting it in ([\d.]+) s", line)]
    assert len(delays) >= 2 and set(delays) == {0.1}, lines


def test_a_program_that_stops_answering_its_health_url_is_killed_and_restarted(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)]
    node = Program("served node", serving, tmp_path, health_url=f"http://127.0.0.1:{port}/")
    lines: list[str] = []
    supervisor = Supervisor(
        [node], dict(os.environ), log=lines.append, probe_interval=0.2, probe_timeout=0.3, probe_failures=2, **FAST
    )

    def hang_it_once_healthy() -> None:
        deadline = time.monotonic() + 20
        while not node.healthy_once and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(node.process.pid, signal.SIGSTOP)  # alive, but answering nothing

    threading.Thread(target=hang_it_once_healthy, daemon=True).start()
    run_for(supervisor, 6.0)
    assert any(f"did not answer http://127.0.0.1:{port}/ 2 times" in line for line in lines), lines
    assert any(line.startswith("supervisor: restarted the served node") for line in lines), lines


def test_stopping_ends_each_program_and_what_it_started(tmp_path):
    marker = tmp_path / "grandchild.pid"
    code = "import subprocess, sys, time\np = subprocess.Popen(['sleep', '60'])\n"
    code += "open(sys.argv[1], 'w').write(str(p.pid))\ntime.sleep(60)"
    parent = Program("parent node", [*python(code), str(marker)], tmp_path)
    supervisor = Supervisor([parent], dict(os.environ), log=lambda line: None, **FAST)
    run_for(supervisor, 1.5)
    assert parent.process.poll() is not None
    grandchild = int(Path(marker).read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and alive(grandchild):
        time.sleep(0.05)
    assert not alive(grandchild)


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
