"""docs/wire-contract.md says exactly what each node's OpenAPI schema says: the same routes, the same
status codes per route, and the same words for when a request the schema allows is still a 400."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache

import pytest

from .nodes import ROOT

ROW = re.compile(r"^\|\s*([A-Z]+)\s*\|\s*`(/[^`]*)`\s*\|\s*([0-9, ]+?)\s*\|(.*)\|\s*$")


@cache
def documented(node: str) -> dict[tuple[str, str], tuple[set[str], str]]:
    """(METHOD, path) -> (status codes, answer text) of each row of the node's table."""
    text = (ROOT / "docs" / "wire-contract.md").read_text()
    section = text.split(f"## {node} node", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if match := ROW.match(line):
            codes = {code.strip() for code in match[3].split(",")}
            rows[(match[1], normalize(match[2]))] = (codes, match[4].strip())
    return rows


@cache
def served(node: str) -> dict[tuple[str, str], tuple[set[str], str]]:
    """(METHOD, path) -> (status codes, `x-refused-by-state`) of each API operation of the node's schema."""
    output = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--format", "openapi-json"],
        cwd=ROOT / f"{node}_node",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    operations = {}
    for path, methods in json.loads(output)["paths"].items():
        if path == "/schema/":
            continue
        for method, operation in methods.items():
            codes = set(operation["responses"])
            operations[(method.upper(), normalize(path))] = (codes, operation.get("x-refused-by-state", ""))
    return operations


def normalize(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/").lower()) or "/"


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_the_page_lists_exactly_the_served_routes(node):
    listed, actual = set(documented(node)), set(served(node))
    assert listed - actual == set(), "listed but not served"
    assert actual - listed == set(), "served but not listed"


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_each_route_lists_the_status_codes_of_its_schema(node):
    listed, actual = documented(node), served(node)
    wrong = {route: (listed[route][0], codes) for route, (codes, _) in actual.items() if listed[route][0] != codes}
    assert wrong == {}, "route: (on the page, in the schema)"


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_a_400_that_stored_state_causes_is_told_in_the_schema_s_words(node):
    listed, actual = documented(node), served(node)
    for route, (_, refused_when) in actual.items():
        if refused_when:
            assert f"400 also {refused_when}" in listed[route][1], route
