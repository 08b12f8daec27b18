"""A small process supervisor: what `manage_all.py up` runs the nodes (and their listeners) under.

    Supervisor([Program("invoices node", [...], cwd, health_url="http://127.0.0.1:5003/health/")], env).run()

Every program is started at once. One that exits while the supervisor runs is started again
after a backoff that doubles with each quick failure (1 s, 2 s, 4 s ... up to 30 s) and starts
over once the program has stayed up for a while; each exit and restart is a log line. A program
with a `health_url` that has answered it once and then fails it `probe_failures` times in a row
(hung, stopped) is killed and restarted the same way. SIGINT (Ctrl-C) or SIGTERM stops them
all: terminate, wait, kill what is left.

Each program runs in a process group of its own, and is stopped or killed as a group: a server
whose master process died leaves no worker behind holding its port.

Why not honcho (issue 16, "use the library unless a behaviour is missing"): honcho 2.0.0, the
Python Foreman, runs a Procfile's processes with prefixed, coloured output and stops them all on
Ctrl-C, but it cannot restart a dead one: its `Manager.loop()` says "If one process terminates,
all the others will be terminated by Honcho", and `honcho start` has no option to change that
(its options are env file, app root, Procfile, port, concurrency, quiet). Tried with a Procfile of
two programs, one exiting with 3 after 2 s: honcho printed `node.1 stopped (rc=3)`, sent SIGTERM
to the other and exited 3 after 3 s. `up` needs the opposite (a node that dies is started again
with a backoff and a line saying so, the others keep serving), and honcho has no health probe
either, so this module stays. In a deployment, restarting is the platform's job (a container
restart policy, Kubernetes), not this module's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Program", "Supervisor"]


@dataclass
class Program:
    """A command the supervisor keeps running: its name in log lines, its command line and folder."""

    name: str
    command: list[str]
    cwd: Path
    health_url: str | None = None  # probed for liveness once it has answered
    process: subprocess.Popen | None = field(default=None, repr=False)
    started_at: float = 0.0
    restarts: int = 0  # consecutive quick failures: the next backoff doubles with each
    restart_at: float | None = None  # when it is to be started again, after an exit
    healthy_once: bool = False
    probe_failures: int = 0
    next_probe: float = 0.0


class Supervisor:
    """Runs programs until SIGINT or SIGTERM, restarting any that exits or stops answering its health URL."""

    def __init__(
        self,
        programs: list[Program],
        env: dict[str, str],
        *,
        first_backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_after: float = 30.0,
        probe_interval: float = 5.0,
        probe_timeout: float = 3.0,
        probe_failures: int = 3,
        stop_timeout: float = 10.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.programs = programs
        self.env = env
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.probe_interval = probe_interval
        self.probe_timeout = probe_timeout
        self.probe_failures = probe_failures
        self.stop_timeout = stop_timeout
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self.stopping = False

    def run(self) -> int:
        """Start every program and keep them running until a signal to stop; then stop them all. Answers 0."""
        previous = {sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for program in self.programs:
                self.start(program)
            while not self.stopping:
                self.tend()
                time.sleep(0.2)
        finally:
            self.stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 0

    def request_stop(self, *_: object) -> None:
        """The signal handler: stop at the next turn of the loop."""
        self.stopping = True

    def tend(self) -> None:
        """One turn: notice exits, start what is due, probe what is live."""
        now = time.monotonic()
        for program in self.programs:
            process = program.process
            if process is not None and process.poll() is not None and not self.stopping:
                self.exited(program, f"exited with code {process.returncode}", now)
            elif program.restart_at is not None and now >= program.restart_at:
                self.start(program)
            elif process is not None and program.health_url and now >= program.next_probe:
                self.probe(program, now)

    def start(self, program: Program) -> None:
        """Start `program` (again)."""
        again = program.restart_at is not None
        program.process = subprocess.Popen(program.command, cwd=program.cwd, env=self.env, start_new_session=True)
        program.started_at = time.monotonic()
        program.restart_at = None
        program.healthy_once = False
        program.probe_failures = 0
        program.next_probe = program.started_at + self.probe_interval
        self.log(f"supervisor: {'restarted' if again else 'started'} the {program.name} (pid {program.process.pid})")

    def exited(self, program: Program, why: str, now: float) -> None:
        """`program` is gone: plan its restart after its backoff."""
        kill(program.process)  # what is left of its group (the workers of a dead master)
        uptime = now - program.started_at
        program.restarts = 1 if uptime >= self.stable_after else program.restarts + 1
        delay = min(self.max_backoff, self.first_backoff * 2 ** (program.restarts - 1))
        program.process = None
        program.restart_at = now + delay
        self.log(f"supervisor: the {program.name} {why} after {uptime:.1f} s; restarting it in {delay:g} s")

    def probe(self, program: Program, now: float) -> None:
        """Ask `program`'s health URL; kill it once it has failed `probe_failures` probes in a row."""
        program.next_probe = now + self.probe_interval
        if answers(program.health_url, self.probe_timeout):
            program.healthy_once = True
            program.probe_failures = 0
            return
        if not program.healthy_once:
            return  # still starting (migrations, imports): its exit, if it dies, says enough
        program.probe_failures += 1
        if program.probe_failures >= self.probe_failures:
            kill(program.process)
            self.exited(program, f"did not answer {program.health_url} {program.probe_failures} times", now)

    def stop_all(self) -> None:
        """Terminate every program, wait for them, kill what does not stop in time."""
        for program in self.programs:
            if program.process is not None:
                signal_group(program.process, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for program in self.programs:
            if program.process is None:
                continue
            try:
                program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            kill(program.process)  # whatever did not stop in time, and any child left behind


def answers(url: str, timeout: float) -> bool:
    """Whether `url` answers 200 within `timeout` seconds."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def kill(process: subprocess.Popen | None) -> None:
    """SIGKILL `process` and its process group (stopped ones too), and reap it."""
    if process is not None:
        signal_group(process, signal.SIGKILL)
        process.wait(timeout=10)


def signal_group(process: subprocess.Popen, sig: int) -> None:
    """Send `sig` to the process group `process` leads (it was started in a session of its own)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
