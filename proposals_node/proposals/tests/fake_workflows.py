"""A stand-in for the workflows node at the transport level, for this node's own tests.

It is mounted into a `requests.Session` as a transport adapter, so the real `WorkflowsGateway`
(URLs, credentials, JSON, error mapping, retries) runs unchanged. Like the real node, it answers
a command's `Idempotency-Key` once and gives that answer to its retries; `answers_to_lose` makes
it act and then drop the connection, as a node killed between its commit and its answer would.
Cross-node tests use the real node.
"""

from __future__ import annotations

import io
import json
import re

import requests
import urllib3
from requests.adapters import BaseAdapter

BASE = "http://workflows.test/gateway"


class FakeWorkflows(BaseAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.packages: dict[int, dict] = {}
        self.down = False
        self.refuse_withdraw = False
        self.calls: list[str] = []
        self.headers: list[dict[str, str]] = []  # of each call, as sent
        self.answered: dict[str, tuple[int, object]] = {}  # by Idempotency-Key
        self.answers_to_lose = 0  # of the next calls, how many act but lose their answer on the way back

    def add(self, entity_id: int, state: str = "Pending", entity_type: str = "Proposal") -> dict:
        package_id = len(self.packages) + 1
        package = {"id": package_id, "entityId": entity_id, "entityType": entity_type, "state": state, "value": "v"}
        self.packages[package_id] = package
        return package

    def send(self, request, **kwargs):
        path = request.path_url.split("/gateway", 1)[1]
        self.calls.append(f"{request.method} {path}")
        self.headers.append(dict(request.headers))
        if self.down:
            raise requests.ConnectionError("connection refused (fake workflows is down)")
        key = request.headers.get("Idempotency-Key")
        if key is not None and key in self.answered:  # as the real node: a key's first answer, again
            status, payload = self.answered[key]
        else:
            status, payload = self.respond(path, json.loads(request.body) if request.body else None)
            if key is not None and status < 500:
                self.answered[key] = (status, payload)
        if self.answers_to_lose:  # acted, and the answer never reaches the caller
            self.answers_to_lose -= 1
            raise requests.ConnectionError("connection reset by peer (fake workflows lost the answer)")
        return self.answer(request, status, payload)

    def respond(self, path: str, body) -> tuple[int, object]:
        if match := re.fullmatch(r"/getActivePackage/(\d+)/(\w+)", path):
            found = [
                p
                for p in self.packages.values()
                if p["entityId"] == int(match[1]) and p["state"] in ("Pending", "Returned")
            ]
            return (200, found[0]) if found else (204, None)
        if match := re.fullmatch(r"/getPackagesByType/(\w+)", path):
            return 200, [p for p in self.packages.values() if p["entityType"] == match[1]]
        if match := re.fullmatch(r"/getPackagesByEntity/(\d+)/(\w+)", path):  # completed ones only
            completed = [p for p in self.packages.values() if p["state"] in ("Approved", "Rejected")]
            return 200, [p for p in completed if p["entityId"] == int(match[1])]
        if path == "/withdrawPackage":
            if self.refuse_withdraw:
                return 400, "Package is Approved; only an active package can be withdrawn"
            self.packages.pop(body["id"])
            return 200, {"data": body["id"], "message": "withdrawn", "error": False, "hasData": True}
        if path == "/submitPackage":
            package = self.add(body["entityId"])
            return 200, {"data": package, "message": "added", "error": False, "hasData": True}
        if path == "/validatePackage":
            if not body.get("value"):
                return 400, "Value is required"
            return 200, {"messages": [], "message": "Valid", "isValid": True}
        return 404, "no route"

    def answer(self, request, status: int, payload) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        content = json.dumps(payload).encode() if payload is not None else b""
        response.raw = urllib3.HTTPResponse(body=io.BytesIO(content), status=status, preload_content=False)
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass
