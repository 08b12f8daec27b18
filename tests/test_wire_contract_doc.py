"""docs/wire-contract.md lists exactly the API routes each node serves (per its OpenAPI schema)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .nodes import ROOT

ROW = re.compile(r"^\|\s*([A-Z, ]+?)\s*\|\s*`(/[^`]*)`\s*\|")


def documented(node: str) -> set[tuple[str, str]]:
    text = (ROOT / "docs" / "wire-contract.md").read_text()
    section = text.split(f"## {node} node", 1)[1].split("\n## ", 1)[0]
    routes = set()
    for line in section.splitlines():
        if match := ROW.match(line):
            for method in match[1].split(","):
                routes.add((method.strip(), normalize(match[2])))
    return routes


def served(node: str) -> set[tuple[str, str]]:
    output = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--format", "openapi-json"],
        cwd=ROOT / f"{node}_node",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    paths = json.loads(output)["paths"]
    return {
        (method.upper(), normalize(path))
        for path, operations in paths.items()
        if path != "/schema/"
        for method in operations
    }


def normalize(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/").lower()) or "/"


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_the_wire_contract_page_matches_the_served_routes(node):
    listed, actual = documented(node), served(node)
    assert listed - actual == set(), "listed but not served"
    assert actual - listed == set(), "served but not listed"
