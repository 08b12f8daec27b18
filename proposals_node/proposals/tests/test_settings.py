"""The proposals node's own settings: its suite's defaults, unless the environment says otherwise."""

import importlib
import json
import os
import sys
from pathlib import Path

import pytest

SUITE_FILE = Path(__file__).resolve().parents[3] / "nodes.json"


@pytest.fixture
def environment(monkeypatch):
    """The environment without the variables these settings read."""
    for name in list(os.environ):
        if name in {"DEBUG", "SECRET_KEY", "CORS_ALLOWED_ORIGINS", "CSRF_TRUSTED_ORIGINS"} or "GATEWAY" in name:
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def node_settings(monkeypatch):
    """Loads the node's settings afresh, with the core's defaults, from the environment as it is then."""

    def load() -> dict:
        for module in ("proposals_project.settings", "distributed_core.base_settings"):
            monkeypatch.delitem(sys.modules, module, raising=False)
        return vars(importlib.import_module("proposals_project.settings"))

    return load


def test_in_debug_the_suites_pages_may_call_and_workflows_is_on_its_local_port(environment, node_settings):
    ports = {node["name"]: node["port"] for node in json.loads(SUITE_FILE.read_text())}
    settings = node_settings()
    origins = [f"http://{host}:{port}" for port in ports.values() for host in ("localhost", "127.0.0.1")]
    assert settings["CORS_ALLOWED_ORIGINS"] == origins and settings["CSRF_TRUSTED_ORIGINS"] == origins
    assert settings["DD_GATEWAYS"] == {"workflows": {"url": f"http://127.0.0.1:{ports['workflows']}", "token": ""}}


def test_without_debug_no_other_origin_may_call(environment, node_settings):
    environment.setenv("DEBUG", "0")
    environment.setenv("SECRET_KEY", "s3cret")
    settings = node_settings()
    assert settings["CORS_ALLOWED_ORIGINS"] == [] and settings["CSRF_TRUSTED_ORIGINS"] == []


def test_the_environment_names_the_workflows_gateway(environment, node_settings):
    environment.setenv("WORKFLOWS_GATEWAY_URL", "https://workflows.example")
    environment.setenv("WORKFLOWS_GATEWAY_TOKEN", "s3cret")
    assert node_settings()["DD_GATEWAYS"] == {"workflows": {"url": "https://workflows.example", "token": "s3cret"}}
