"""Test helpers for nodes built on distributed_core."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

__all__ = ["JsonClient"]


class JsonClient:
    """A Django test client that speaks JSON both ways: `response.json_body` holds the decoded answer."""

    def __init__(self) -> None:
        self.client = Client()

    def call(self, method: str, path: str, body: Any = None, raw: str | None = None, **headers: str):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        send = getattr(self.client, method)
        if data is None:
            response = send(path, headers=headers)
        else:
            response = send(path, data, content_type="application/json", headers=headers)
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path: str, **headers: str):
        return self.call("get", path, **headers)

    def post(self, path: str, body: Any = None, raw: str | None = None, **headers: str):
        return self.call("post", path, body, raw, **headers)

    def delete(self, path: str, body: Any = None, raw: str | None = None, **headers: str):
        return self.call("delete", path, body, raw, **headers)
