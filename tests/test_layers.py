"""distributed_core's imports run one way, from higher layers down to lower ones, and never in a circle.

The layers, low to high (a module belongs to the longest prefix listed; see LAYERS):

    foundation        settings, wire conventions, exceptions, messages, signals, models, the
                      entities' serializers, the hub protocol
    event log         events.log: record, sequence, publish, prune, the hub declarations
    write side        commands, queries, sagas
    auth              users, tokens, service credentials, who may call a view
    api               viewsets, routes, permissions, schema, JSON, errors
    edges             events.hubs, events.listeners, the events status page, gateways
    wiring            the URLconf, serving, ASGI, admin, checks, management commands, app pages

Every import is read from the source (module-level, inside functions and under TYPE_CHECKING
alike). An import from a lower layer up to a higher one must be listed in UPWARD with the reason
it stays (at most three); a listed one that no longer occurs must be struck off.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from .nodes import ROOT

PACKAGE = "distributed_core"

LAYERS = [
    (
        "foundation",
        [
            "distributed_core",
            "distributed_core.conf",
            "distributed_core.env",
            "distributed_core.base_settings",
            "distributed_core.wire",
            "distributed_core.exceptions",
            "distributed_core.messages",
            "distributed_core.signals",
            "distributed_core.models",
            "distributed_core.migrations",
            "distributed_core.serializers",
            "distributed_core.policy",
            "distributed_core.redaction",
            "distributed_core.db",
            "distributed_core.groups",
            "distributed_core.events.protocol",
            "distributed_core.metrics",
        ],
    ),
    ("event log", ["distributed_core.events", "distributed_core.events.log"]),
    (
        "write side",
        [
            "distributed_core.commands",
            "distributed_core.queries",
            "distributed_core.sagas",
            "distributed_core.saga_batch",
        ],
    ),
    ("auth", ["distributed_core.auth"]),
    ("api", ["distributed_core.api"]),
    (
        "edges",
        [
            "distributed_core.events.hubs",
            "distributed_core.events.listeners",
            "distributed_core.events.status",
            "distributed_core.gateway",
        ],
    ),
    (
        "wiring",
        [
            "distributed_core.urls",
            "distributed_core.serving",
            "distributed_core.asgi",
            "distributed_core.wsgi",
            "distributed_core.apps",
            "distributed_core.admin",
            "distributed_core.observability",
            "distributed_core.checks",
            "distributed_core.management",
            "distributed_core.pages",
            "distributed_core.testing",
            "distributed_core.scaffold",
        ],
    ),
]

# (importer, imported): why it stays. At most three.
UPWARD = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """The distributed_core modules `path` imports (a name imported from a package counts as its submodule)."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if is_module(submodule) else source)
    return {target for target in found if target.split(".")[0] == PACKAGE and target != name}


def graph() -> dict[str, set[str]]:
    """Every module of distributed_core (its tests and the node template aside) and what it imports of it."""
    edges = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        relative = path.relative_to(ROOT / PACKAGE).parts
        if relative[0] == "tests" or relative[:2] == ("scaffold", "node"):
            continue
        edges[module_name(path)] = imports_of(path)
    return edges


def layer(module: str) -> int:
    """The index in LAYERS of the longest prefix that holds `module`."""
    matches = [
        (len(prefix), index)
        for index, (_, prefixes) in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert matches, f"{module} is in no layer: add it to LAYERS"
    return max(matches)[1]


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_walk_reads_the_imports_it_should():
    edges = graph()
    assert "distributed_core.events.log" in edges["distributed_core.sagas"]  # `from .events.log import ...`
    assert "distributed_core.signals" in edges["distributed_core.commands"]  # `from . import signals`
    assert "distributed_core.messages" in edges["distributed_core.auth.token_view"]  # `from ..messages import`
    assert "distributed_core.events.hubs.negotiate" in edges.get("distributed_core.api.urls", set()) | edges.get(
        "distributed_core.urls", set()
    )


def test_every_module_has_a_layer():
    for module in graph():
        layer(module)


def test_imports_run_down_the_layers_but_for_the_few_listed():
    upward = {
        (module, target) for module, targets in graph().items() for target in targets if layer(target) > layer(module)
    }
    unlisted = sorted(upward - set(UPWARD))
    assert not unlisted, "imports from a lower layer up to a higher one:\n" + "\n".join(
        f"{a} ({LAYERS[layer(a)][0]}) -> {b} ({LAYERS[layer(b)][0]})" for a, b in unlisted
    )
    assert not set(UPWARD) - upward, f"listed in UPWARD but gone, strike them off: {sorted(set(UPWARD) - upward)}"
    assert len(UPWARD) <= 3


def test_the_event_log_imports_neither_hubs_nor_listeners():
    for module, targets in graph().items():
        if within(module, "distributed_core.events.log"):
            wrong = [
                t
                for t in targets
                if within(t, "distributed_core.events.hubs") or within(t, "distributed_core.events.listeners")
            ]
            assert not wrong, f"{module} imports {wrong}"


def test_hubs_and_listeners_do_not_import_each_other():
    rooms = ("distributed_core.events.hubs", "distributed_core.events.listeners")
    for module, targets in graph().items():
        for room, other in (rooms, rooms[::-1]):
            if within(module, room):
                assert not [t for t in targets if within(t, other)], f"{module} imports {other}"


def test_the_api_does_not_import_the_hubs():
    for module, targets in graph().items():
        if within(module, "distributed_core.api"):
            assert not [t for t in targets if within(t, "distributed_core.events.hubs")], module


def test_no_module_imports_itself_back_through_others():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in edges.get(module, ()):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in edges:
        if module not in index:
            visit(module)
    assert not cycles, f"import cycles: {cycles}"


def test_the_layers_list_no_module_twice():
    seen = defaultdict(list)
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            seen[prefix].append(name)
    assert all(len(names) == 1 for names in seen.values()), {p: n for p, n in seen.items() if len(n) > 1}
