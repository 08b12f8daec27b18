"""`manage_all.py setuser`: one account on every node, then the nodes closed as getting-started.md shows."""

from __future__ import annotations

import signal
import subprocess

import requests

from .nodes import wait_until
from .test_manage_all import manage_all, suite_copy  # noqa: F401  (suite_copy is a fixture)

PASSWORD = "correct horse battery staple"
CLOSED = {"ALLOW_ANONYMOUS": "0", "SERVICE_TOKENS": "proposals:s3cret", "WORKFLOWS_GATEWAY_TOKEN": "proposals:s3cret"}


def run(root, *args: str, env_extra: dict[str, str] | None = None) -> str:
    process = manage_all(root, *args, env_extra=env_extra, stderr=subprocess.STDOUT)
    output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    return output


def test_the_same_account_on_every_node_works_on_closed_nodes(suite_copy):  # noqa: F811
    root, ports = suite_copy
    run(root, "migrate")
    output = run(
        root,
        "setuser",
        "alice",
        "--group",
        "approvers",
        "--group",
        "proposers",
        env_extra={"DD_USER_PASSWORD": PASSWORD},
    )
    assert "Created user alice (proposers)" in output and "Created user alice (approvers)" in output
    assert "No group 'proposers' on this node: skipped" in output
    process = manage_all(root, "up", env_extra=CLOSED, stderr=subprocess.STDOUT)
    try:
        proposals, workflows = (f"http://127.0.0.1:{ports[name]}" for name in ("proposals", "workflows"))
        for url in (proposals, workflows):
            wait_until(lambda u=url: requests.get(f"{u}/api/", timeout=1).ok, timeout=60)
        assert requests.get(f"{proposals}/api/proposal/get", timeout=5).status_code == 401
        monitor = {"Authorization": "Bearer proposals:s3cret"}  # workflows' SERVICE_TOKENS; proposals' too here

        def listener_connected():
            return requests.get(f"{proposals}/events/status", headers=monitor, timeout=2).json()["listeners"][0][
                "connected"
            ]

        wait_until(listener_connected, timeout=30, message="the proposals listener on the closed workflows hub")
        tokens = {}
        for url in (proposals, workflows):
            answer = requests.post(
                f"{url}/api/auth/token/", json={"username": "alice", "password": PASSWORD}, timeout=10
            )
            tokens[url] = {"Authorization": f"Token {answer.json()['token']}"}
        body = {"title": "R", "value": "v", "entityId": 1, "entityType": "Proposal"}
        package = requests.post(
            f"{proposals}/api/workflows/submitPackage", json=body, headers=tokens[proposals], timeout=10
        )
        assert package.status_code == 200 and package.json()["data"]["submittedBy"] == "alice"
        approved = requests.post(
            f"{workflows}/api/package/approve",
            json={"id": package.json()["data"]["id"]},
            headers=tokens[workflows],
            timeout=10,
        )
        assert approved.status_code == 200 and approved.json()["data"]["decidedBy"] == "alice"
        wait_until(
            lambda: requests.get(f"{proposals}/api/proposal/getStatus/1", headers=tokens[proposals], timeout=2).json()[
                "state"
            ]
            == "Active",
            timeout=30,
            message="the approval applied by the PackageSaga",
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
