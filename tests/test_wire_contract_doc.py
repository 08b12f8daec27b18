"""docs/wire-contract.md says exactly what each node's OpenAPI schema says: the same routes, the same
status codes per route, the same words for what a status answers, and for when a request the schema
allows is still a 400."""

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
    operations = {}
    for path, methods in schema(node)["paths"].items():
        if path == "/schema/":
            continue
        for method, operation in methods.items():
            codes = set(operation["responses"])
            operations[(method.upper(), normalize(path))] = (codes, operation.get("x-refused-by-state", ""))
    return operations


@cache
def schema(node: str) -> dict:
    """The OpenAPI schema the node serves."""
    output = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--format", "openapi-json"],
        cwd=ROOT / f"{node}_node",
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return json.loads(output)


def status_row(code: str) -> str:
    """The row of the page's status table for `code`."""
    text = (ROOT / "docs" / "wire-contract.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith(f"| {code} |")]
    assert len(rows) == 1, f"one row for {code} in the status table"
    return rows[0]


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


@pytest.mark.parametrize("node", ["proposals", "workflows"])
@pytest.mark.parametrize("code", ["401", "403", "404", "409", "422"])
def test_a_status_is_described_in_the_same_words_on_every_route_and_on_the_page(node, code):
    described = {
        operation["responses"][code]["description"]
        for methods in schema(node)["paths"].values()
        for operation in methods.values()
        if code in operation["responses"]
    }
    assert len(described) == 1, described
    assert f'"{described.pop()}"' in status_row(code)


@pytest.mark.parametrize("code", ["406", "415"])
def test_the_page_lists_what_every_drf_route_may_answer(code):
    status_row(code)  # DRF's content negotiation and parsers: the nodes answer them on every JSON route


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_every_operation_documents_the_503_of_an_outage(node):
    outage = {"$ref": "#/components/schemas/ServiceUnavailable"}
    for path, methods in schema(node)["paths"].items():
        for method, operation in methods.items():
            body = operation["responses"]["503"]["content"]["application/json"]["schema"]
            assert body == outage or outage in body.get("oneOf", []), (method, path)


COMMANDS = re.compile(r"/(save|remove|approve|reject|return|submitPackage|withdrawPackage)$", re.IGNORECASE)


@pytest.mark.parametrize("node", ["proposals", "workflows"])
def test_the_command_routes_and_only_they_take_an_idempotency_key(node):
    for path, methods in schema(node)["paths"].items():
        for method, operation in methods.items():
            takes_key = any(parameter["name"] == "Idempotency-Key" for parameter in operation.get("parameters", []))
            resource_write = method in ("post", "put", "delete") and path.startswith("/api/") and path.endswith("/")
            command = bool(COMMANDS.search(path)) or (resource_write and "/auth/" not in path)
            assert takes_key == command, (method, path)
            assert ({"409", "422"} <= set(operation["responses"])) == command, (method, path)
