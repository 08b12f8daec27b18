"""Hostile input against real node processes (DEBUG=0): a 4xx with a JSON body on every route, never a 500.

Every route of each node's OpenAPI schema (and the routes outside it) is called with every
method, with huge numbers in its path and hostile bodies: JSON nested thousands deep, numbers of
thousands of digits, wrong types, broken UTF-8, chunked bodies. Then the sockets: a request head
that never ends (slow-loris) is answered 408 and closed, one over 16 KiB is answered 431 and
closed without the node holding it in memory, and a node keeps a bounded number of sockets.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from .client import Api
from .nodes import Suite, wait_until

HEADER_TIMEOUT = 1.0
MAX_CONNECTIONS = 64
HUGE = "9" * 5000  # over Python's 4300-digit limit for int()
BIG = str(10**30)  # over a bigint
PATH_VALUES = [BIG, HUGE, "-1"]
BODIES = [
    b"",
    b"null",
    b'"text"',
    b"{",
    b"\xff\xfe\xfd",
    b"[" * 5000 + b"]" * 5000,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"id": ' + HUGE.encode() + b"}",
    json.dumps({"id": 10**30, "value": "v", "entityId": 10**30, "entityType": "Proposal"}).encode(),
    json.dumps({"statusId": 10**30, "packageId": 10**30, "value": "v"}).encode(),
    json.dumps({"id": "1", "value": ["v"], "title": {"a": 1}, "entityId": True}).encode(),
    json.dumps({"value": "v" * 300, "title": "t" * 300, "entityType": "x" * 300, "entityId": 1}).encode(),
]
EXTRA_ROUTES = {"/events/status": ["get"], "/events/{hub}/negotiate": ["post"], "/health/": ["get"], "/ready/": ["get"]}


@pytest.fixture(scope="module")
def hardened(tmp_path_factory):
    """Both nodes as deployed (DEBUG=0), with a short head deadline and a small socket cap."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "bad-input-tests",
        "ALLOW_ANONYMOUS": "1",
        "SERVER_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "SERVER_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    running = Suite(tmp_path_factory.mktemp("bad-input"), extra_env=env).start()
    yield running
    running.stop()


def routes(base_url: str) -> list[tuple[str, list[str]]]:
    """(path template, methods) of every route the node documents, and of those it serves outside its schema."""
    schema = requests.get(f"{base_url}/schema/?format=json", timeout=10).json()
    found = [
        (path, [method for method in operations if method != "parameters"])
        for path, operations in schema["paths"].items()
    ]
    return found + list(EXTRA_ROUTES.items())


def problem(response: requests.Response) -> str | None:
    """Why `response` is not a proper answer to bad input (a 5xx, or an error that is not JSON), else None."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.text[:200]}"
    if response.status_code >= 400 and "json" not in response.headers.get("Content-Type", ""):
        return f"{response.status_code} as {response.headers.get('Content-Type')}: {response.text[:200]}"
    return None


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_no_route_answers_hostile_input_with_a_500_or_a_page(hardened, node):
    base_url = hardened.nodes[node].url
    session = requests.Session()
    found = []
    for template, _ in routes(base_url):
        for value in PATH_VALUES:
            url = base_url + re.sub(r"\{[^}]+\}", value, template)
            for method in ("get", "head", "options"):
                answer = session.request(method, url, timeout=30)
                if problem(answer) and method != "head":
                    found.append(f"{method.upper()} {url[:120]} -> {problem(answer)}")
            for method in ("post", "put", "patch", "delete"):
                for body in BODIES:
                    answer = session.request(
                        method, url, data=body, headers={"Content-Type": "application/json"}, timeout=30
                    )
                    if problem(answer):
                        found.append(f"{method.upper()} {url[:120]} {body[:40]!r} -> {problem(answer)}")
    assert not found, f"{len(found)} bad answers, the first ones:\n" + "\n".join(found[:20])


def test_huge_ids_in_every_path_are_404s(hardened):
    proposals = Api(hardened.proposals.url)
    for value in (BIG, HUGE):
        for path in (f"/api/proposal/getFromId/{value}", f"/api/proposal/{value}/", f"/api/status/getById/{value}"):
            answer = proposals.get(path)
            assert answer.status_code == 404 and answer.headers["Content-Type"] == "application/json", path


def test_a_chunked_body_is_read_not_taken_as_empty(hardened):
    def chunks():
        yield b'{"title": "Chunked", '
        yield b'"value": "sent in pieces"}'

    answer = requests.post(
        hardened.proposals.url + "/api/proposal/save",
        data=chunks(),  # a generator: requests sends it with Transfer-Encoding: chunked, no Content-Length
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["title"] == "Chunked" and answer.json()["data"]["value"] == "sent in pieces"


def test_the_admin_answers_huge_ids_without_a_500(hardened):
    node = hardened.proposals
    env = {**node.env, "DJANGO_SUPERUSER_PASSWORD": "s3cret-admin"}
    command = ["manage.py", "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com"]
    created = subprocess.run(
        [sys.executable, *command],
        cwd=node.cwd,
        env=env,
        timeout=60,
        capture_output=True,
        text=True,
    )
    assert created.returncode == 0, created.stderr
    admin = requests.Session()
    admin.get(f"{node.url}/admin/login/", timeout=10)
    csrf = admin.cookies[f"{node.name}_csrftoken"]  # each node names its own cookies (one host, many ports)
    login = {"username": "admin", "password": "s3cret-admin", "csrfmiddlewaretoken": csrf}
    signed_in = admin.post(f"{node.url}/admin/login/?next=/admin/", data=login, timeout=10)
    assert signed_in.status_code == 200 and "Log out" in signed_in.text
    for value in (BIG, HUGE, "-1"):
        for path in (f"/admin/proposals/proposal/{value}/change/", f"/admin/proposals/proposal/{value}/delete/"):
            answer = admin.get(node.url + path, timeout=10)
            assert answer.status_code < 500, f"{path[:80]}: {answer.status_code}"


def test_a_request_head_that_never_ends_is_answered_408_and_closed(hardened):
    sockets = []
    try:
        for _ in range(10):
            sock = socket.create_connection(("127.0.0.1", hardened.proposals.port), timeout=10)
            sock.sendall(b"GET /api/proposal/get HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
            sockets.append(sock)
        started = time.monotonic()
        for sock in sockets:
            answer = b"".join(iter(lambda s=sock: s.recv(65536), b""))  # until the server closes it
            assert answer.startswith(b"HTTP/1.1 408 ") and answer.endswith(b'"Request head not received within 1 s"')
        assert time.monotonic() - started < HEADER_TIMEOUT + 5
    finally:
        for sock in sockets:
            sock.close()


def resident_memory(pid: int) -> int:
    """The resident memory of process `pid`, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))


def test_a_request_head_over_16_kib_is_answered_431_and_never_held_in_memory(hardened):
    node = hardened.proposals
    with socket.create_connection(("127.0.0.1", node.port), timeout=10) as sock:
        sock.sendall(b"GET /api/proposal/get HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"p" * 16384 + b"\r\n\r\n")
        answer = b"".join(iter(lambda: sock.recv(65536), b""))
    assert answer.startswith(b"HTTP/1.1 431 ") and answer.endswith(
        b'"Request head too large: the limit is 16384 bytes"'
    )

    head = memoryview(b"GET /api/proposal/get HTTP/1.1\r\nX-Big: " + b"b" * (8 * 1024 * 1024))  # never ends
    before = resident_memory(node.process.pid)
    answers: list[bytes] = []

    def send_head() -> None:
        with socket.create_connection(("127.0.0.1", node.port), timeout=10) as sock:
            with contextlib.suppress(OSError):  # reset by the node once it has refused and closed
                sock.sendall(head)
            with contextlib.suppress(OSError):
                answers.append(b"".join(iter(lambda: sock.recv(65536), b"")))

    senders = [threading.Thread(target=send_head) for _ in range(4)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=30)
    grown = resident_memory(node.process.pid) - before
    assert not any(sender.is_alive() for sender in senders), "a socket with an 8 MB head was kept open"
    assert all(answer == b"" or answer.startswith(b"HTTP/1.1 431 ") for answer in answers)
    assert grown < 16 * 1024 * 1024, f"four 8 MB heads grew the node by {grown / 2**20:.1f} MB"
    assert requests.get(f"{node.url}/health/", timeout=5).ok


def test_a_node_keeps_a_bounded_number_of_sockets(hardened):
    base = hardened.workflows
    sockets = []
    try:
        for _ in range(MAX_CONNECTIONS + 10):
            sockets.append(socket.create_connection(("127.0.0.1", base.port), timeout=10))
        refused = 0
        for sock in sockets[MAX_CONNECTIONS - 5 :]:
            sock.settimeout(2)
            try:
                if sock.recv(65536).startswith(b"HTTP/1.1 503 "):
                    refused += 1
            except TimeoutError:
                pass  # one of the accepted ones, waiting for its request
        assert refused >= 10
    finally:
        for sock in sockets:
            sock.close()
    wait_until(lambda: requests.get(f"{base.url}/health/", timeout=2).ok, message="the node serving again")
