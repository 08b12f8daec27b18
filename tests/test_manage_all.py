"""The README's first command and the settings' refusals, on a copy of the suite with free ports."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from .nodes import copy_suite, free_port, wait_until


@pytest.fixture
def suite_copy(tmp_path):
    """The suite's code and both nodes, registered on free ports."""
    root = copy_suite(tmp_path / "suite", extra=("proposals_node", "workflows_node"))
    nodes = [{"name": "proposals", "port": free_port(), "listeners": True}, {"name": "workflows", "port": free_port()}]
    (root / "nodes.json").write_text(json.dumps(nodes))
    return root, {node["name"]: node["port"] for node in nodes}


def manage_all(
    root, *args: str, env_extra: dict[str, str] | None = None, stdout=subprocess.PIPE, **kwargs
) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "REDIS_URL"}
    env.update({"DD_SKIP_VENV": "1", **(env_extra or {})})
    return subprocess.Popen(
        [sys.executable, "manage_all.py", *args], cwd=root, env=env, text=True, stdout=stdout, **kwargs
    )


@contextlib.contextmanager
def serving(root, ports: dict[str, int], *args: str, env_extra: dict[str, str] | None = None):
    """Run `manage_all.py <args>` until every node answers and the listener is connected; Ctrl-C it on exit.

    Yields a dict that holds `code` and `output` once the command has stopped.
    """
    process = manage_all(root, *args, stderr=subprocess.STDOUT, env_extra=env_extra)
    result: dict = {}
    try:
        for port in ports.values():
            wait_until(lambda p=port: requests.get(f"http://127.0.0.1:{p}/api/", timeout=1).ok, timeout=60)
        listener = f"http://127.0.0.1:{ports['proposals']}/events/status"
        wait_until(lambda: requests.get(listener, timeout=1).json()["listeners"][0]["connected"], timeout=30)
        yield result
    finally:
        process.send_signal(signal.SIGINT)
        result["output"], _ = process.communicate(timeout=30)
        result["code"] = process.returncode


def test_up_serves_every_node_and_ctrl_c_stops_them_all(suite_copy):
    root, ports = suite_copy
    with serving(root, ports, "up") as result:
        seeded = requests.get(f"http://127.0.0.1:{ports['proposals']}/api/proposal/get", timeout=5).json()
        assert [proposal["title"] for proposal in seeded] == ["Documentation Proposal"]
    assert result["code"] == 0, result["output"]
    assert "All nodes stopped." in result["output"]
    for port in ports.values():
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served"


def test_up_says_clearly_when_a_port_is_taken(suite_copy):
    root, ports = suite_copy
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["workflows"]))
        taken.listen()
        process = manage_all(root, "up", stderr=subprocess.PIPE)
        _, error = process.communicate(timeout=60)
    assert process.returncode == 2
    assert f"Port {ports['workflows']} on 127.0.0.1 is taken: the workflows node cannot start there." in error


def test_a_node_refuses_to_start_without_secret_key_when_debug_is_off(suite_copy):
    root, _ = suite_copy
    env = {**os.environ, "DEBUG": "0"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=root / "workflows_node", env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_several_workers_need_redis(suite_copy):
    root, _ = suite_copy
    process = manage_all(root, "up", "--workers", "2", stderr=subprocess.PIPE)
    _, error = process.communicate(timeout=60)
    assert process.returncode == 2 and "--workers > 1 needs REDIS_URL" in error


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs Redis: set TEST_REDIS_URL")
def test_up_with_workers_runs_a_listener_process(suite_copy):
    root, ports = suite_copy
    env_redis = {"REDIS_URL": os.environ["TEST_REDIS_URL"], "CHANNEL_LAYER_PREFIX": f"dd-up-{ports['proposals']}"}
    with serving(root, ports, "up", "--workers", "2", env_extra=env_redis) as result:
        pass  # serving() has seen both nodes answer and the proposals listener connected
    assert result["code"] == 0, result["output"]


def test_a_part_the_machine_cannot_run_is_counted_as_skipped(capsys):
    import manage_all

    parts: list = []
    lint = [("lint", manage_all.ROOT, ["tests/test_lint.py"])]
    manage_all.skip_part(parts, "the lint test: for this test", lint, dict(os.environ))
    assert parts == [("the lint test: for this test", 1)]
    assert "SKIPPED the lint test: for this test" in capsys.readouterr().out


def test_up_restarts_a_node_killed_with_sigkill_while_the_other_keeps_serving(suite_copy, tmp_path):
    root, ports = suite_copy
    log_path = tmp_path / "up.log"
    proposals, workflows = (f"http://127.0.0.1:{ports[name]}" for name in ("proposals", "workflows"))

    def pid_of(verb: str) -> int:
        found = re.findall(rf"supervisor: {verb} the proposals node \(pid (\d+)\)", log_path.read_text())
        return int(found[-1]) if found else 0

    with log_path.open("w") as log:  # a file, not a pipe: nothing the nodes print can fill it and block them
        process = manage_all(root, "up", stdout=log, stderr=subprocess.STDOUT)
    try:
        for url in (proposals, workflows):
            wait_until(lambda u=url: requests.get(f"{u}/ready/", timeout=1).ok, timeout=60)
        first = wait_until(lambda: pid_of("started"), message="the proposals node's pid in the log")
        os.kill(first, signal.SIGKILL)

        answers = []  # workflows, asked all along while proposals is down and coming back
        deadline = time.monotonic() + 60
        while not pid_of("restarted"):
            assert time.monotonic() < deadline, log_path.read_text()
            answers.append(requests.get(f"{workflows}/api/package/get", timeout=5).status_code)
            time.sleep(0.1)
        wait_until(lambda: requests.get(f"{proposals}/ready/", timeout=1).ok, timeout=60)
        assert requests.get(f"{proposals}/api/proposal/get", timeout=5).status_code == 200
        assert answers and set(answers) == {200}
        assert pid_of("restarted") != first
        assert re.search(
            r"the proposals node exited with code -9 after [\d.]+ s; restarting it in 1 s", log_path.read_text()
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    output = log_path.read_text()
    assert process.returncode == 0, output
    assert "All nodes stopped." in output
    for port in ports.values():
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still served"
