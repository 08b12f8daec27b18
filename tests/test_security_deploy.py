"""`check --deploy`: no issue for the production environment docs/operations.md documents, an error for an open node."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest

from .nodes import ROOT

BLOCK = re.compile(r"```bash\n# (?P<title>[^\n]+)\n(?P<body>.*?)```", re.DOTALL)
PLACEHOLDER = re.compile(r"<[^>]+>")


def documented_environment(node: str) -> dict[str, str]:
    """The variables of "every node" and of `node` in the Security section, each `<...>` filled with a secret."""
    section = (ROOT / "docs" / "operations.md").read_text().split("### The production environment", 1)[1]
    blocks = {match["title"]: match["body"] for match in BLOCK.finditer(section)}
    found = {}
    for title in ("every node", f"the {node} node"):
        for line in blocks[title].splitlines():
            name, _, value = line.partition("=")
            found[name] = PLACEHOLDER.sub(lambda _: secrets.token_urlsafe(50), value)
    return found


def check_deploy(node: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if not k.endswith(("DATABASE_URL", "_GATEWAY_TOKEN"))}
    for name in ("DEBUG", "ALLOW_ANONYMOUS", "SERVICE_TOKENS", "CORS_ALLOWED_ORIGINS", "ALLOWED_HOSTS", "REDIS_URL"):
        inherited.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT / f"{node}_node",
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_the_documented_production_environment_passes(node):
    environment = documented_environment(node)
    assert environment["DEBUG"] == "0" and "ALLOW_ANONYMOUS" not in environment
    result = check_deploy(node, environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("node", ["proposals", "workflows"])
@pytest.mark.parametrize("opening", [{"ALLOW_ANONYMOUS": "1"}, {"DEBUG": "1"}])
def test_an_open_node_fails(node, opening):
    result = check_deploy(node, {**documented_environment(node), **opening})
    assert result.returncode != 0
    assert "distributed_core.E001" in result.stderr and "This node is open" in result.stderr


def test_a_service_credential_without_its_caller_fails_every_check():
    environment = {**documented_environment("workflows"), "SERVICE_TOKENS": "just-a-secret"}
    result = check_deploy("workflows", environment)
    assert result.returncode != 0 and "distributed_core.E002" in result.stderr


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_any_host_fails(node):
    result = check_deploy(node, {**documented_environment(node), "ALLOWED_HOSTS": "*"})
    assert result.returncode != 0
    assert "distributed_core.E003" in result.stderr and "DNS-rebinding" in result.stderr


def test_a_plain_http_gateway_fails():
    environment = {**documented_environment("proposals"), "WORKFLOWS_GATEWAY_URL": "http://workflows.example.com"}
    result = check_deploy("proposals", environment)
    assert result.returncode != 0
    assert "distributed_core.E007" in result.stderr and "plain http" in result.stderr


@pytest.mark.parametrize(
    ("node", "variable", "value"),
    [
        ("workflows", "SERVICE_TOKENS", "proposals:too-short-a-secret"),
        ("proposals", "WORKFLOWS_GATEWAY_TOKEN", "proposals:s3cret"),
    ],
)
def test_a_short_service_secret_fails(node, variable, value):
    result = check_deploy(node, {**documented_environment(node), variable: value})
    assert result.returncode != 0
    assert "distributed_core.E008" in result.stderr and value.partition(":")[2] not in result.stderr
