"""Two `manage.py listen` processes for one source: one applies, the other stands by and takes over within 10 s of
the first one's kill -9 (and within one renewal of a clean stop); every saga effect happens once."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .client import Api
from .hub_client import HubClient
from .nodes import Suite, stop_process, wait_until
from .test_cross_node_http import create_proposal, submit

TAKEOVER = 10.0  # seconds: the bound for a standby to take over


def listen(suite: Suite, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "listen"],
        cwd=suite.proposals.cwd,
        env=suite.proposals.env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def processes(proposals: Api) -> list[dict]:
    [listener] = [
        entry for entry in proposals.get("/events/status").json()["listeners"] if entry["source"] == "workflows/package"
    ]
    return listener["processes"]


def roles(proposals: Api) -> dict[int, str]:
    return {process["pid"]: process["role"] for process in processes(proposals)}


def linked(proposals: Api, proposal: dict, package: dict) -> bool:
    return proposals.get(f"/api/proposal/getFromId/{proposal['id']}").json().get("packageId") == package["id"]


@pytest.fixture
def suite(tmp_path):
    running = Suite(tmp_path, extra_env={"RUN_LISTENERS": "0"}).start()
    yield running
    running.stop()


def test_one_listener_is_active_the_standby_takes_over_after_a_kill_and_effects_happen_once(suite, tmp_path):
    proposals = Api(suite.proposals.url)
    first, second = listen(suite, tmp_path / "listen-1.log"), listen(suite, tmp_path / "listen-2.log")
    try:
        wait_until(lambda: len(roles(proposals)) == 2, timeout=30, message="both listener processes in /events/status")
        wait_until(lambda: sorted(roles(proposals).values()) == ["active", "standby"], timeout=15, message="one active")
        assert set(roles(proposals)) == {first.pid, second.pid}
        assert all(process["host"] and process["lag"] >= 0 for process in processes(proposals))

        before = [create_proposal(proposals, f"Before {n}") for n in range(3)]
        packages = [submit(proposals, proposal) for proposal in before]
        for proposal, package in zip(before, packages, strict=True):
            wait_until(lambda p=proposal, k=package: linked(proposals, p, k), timeout=20, message="saga applied")

        active_pid = next(pid for pid, role in roles(proposals).items() if role == "active")
        active, standby = (first, second) if active_pid == first.pid else (second, first)
        active.kill()  # kill -9: no goodbye, the lease has to run out
        killed = time.monotonic()
        active.wait(timeout=10)
        wait_until(
            lambda: roles(proposals).get(standby.pid) == "active", timeout=TAKEOVER, message="the standby took over"
        )
        took_over = time.monotonic() - killed
        assert took_over < TAKEOVER
        assert roles(proposals)[active.pid] == "gone"

        after = create_proposal(proposals, "After the kill")
        package = submit(proposals, after)
        wait_until(lambda: linked(proposals, after, package), timeout=20, message="the new active one applied")

        # a clean stop (SIGTERM) lets go of the lease at once: a new standby takes over within one renewal
        third = listen(suite, tmp_path / "listen-3.log")
        try:
            wait_until(lambda: roles(proposals).get(third.pid) == "standby", timeout=30, message="a new standby")
            standby.terminate()
            assert standby.wait(timeout=10) == 0
            wait_until(lambda: roles(proposals).get(third.pid) == "active", timeout=4, message="handed over")
            assert standby.pid not in roles(proposals)  # its row went with it
            last = create_proposal(proposals, "After the hand-over")
            last_package = submit(proposals, last)
            wait_until(lambda: linked(proposals, last, last_package), timeout=20, message="the third one applied")
        finally:
            stop_process(third)

        # every saga effect once: one "linked" announcement per package in the proposals node's event log
        with HubClient(suite.proposals.url.replace("http", "ws") + "/events/proposal") as hub:
            hub.invoke("Replay", [0])
            wait_until(lambda: hub.completions, timeout=10, message="the Replay's completion")
            announcements = [
                event["message"]
                for target, event in hub.events
                if target == "OnUpdate" and "linked to package" in event["message"]
            ]
        for linked_package in [*packages, package, last_package]:
            once = re.compile(rf"linked to package {linked_package['id']}\b")
            assert sum(bool(once.search(message)) for message in announcements) == 1, announcements
        print(f"standby took over {took_over:.1f} s after kill -9 of the active listener")
    finally:
        stop_process(first)
        stop_process(second)
