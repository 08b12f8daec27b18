from __future__ import annotations

import json

import pytest
from django.test import Client


class JsonClient:
    """A Django test client that speaks JSON both ways."""

    def __init__(self) -> None:
        self.client = Client()

    def _call(self, method: str, path: str, body=None, raw: str | None = None, **headers):
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        response = (
            getattr(self.client, method)(path, data, **kwargs, headers=headers)
            if data is not None
            else getattr(self.client, method)(path, headers=headers)
        )
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **headers):
        return self._call("get", path, **headers)

    def post(self, path, body=None, raw=None, **headers):
        return self._call("post", path, body, raw, **headers)

    def delete(self, path, body=None, raw=None, **headers):
        return self._call("delete", path, body, raw, **headers)


@pytest.fixture
def api() -> JsonClient:
    return JsonClient()


@pytest.fixture
def make_package(db):
    from workflows.commands import PackageCommand
    from workflows.models import Package

    def make(entity_id: int = 1, entity_type: str = "Proposal", state: str | None = None, **fields):
        package = (
            PackageCommand()
            .save(
                Package(
                    entity_id=entity_id, entity_type=entity_type, value=fields.pop("value", "Please decide"), **fields
                )
            )
            .data
        )
        if state and state != package.state:
            Package.objects.filter(pk=package.pk).update(state=state)
            package.refresh_from_db()
        return package

    return make
