"""`manage_all.py startnode`: generate a new node project from the templates in this folder.

Each `*.tmpl` file is a `string.Template` with `$node` (e.g. `invoices`), `$Node` (`Invoices`),
`$entity` (`Invoice`), `$entity_lower` (`invoice`), `$port`, and what the suite tells about its
layout: `$suite_file` (the file listing its nodes and ports) and `$signalr_browser` (the folder of
the SignalR browser client), both relative to the folder that holds the nodes. Template paths use
`__node__` for the node name. The generated node is a complete Django project: settings, URLs, ASGI app,
an app with the Entity, its Query, Command, viewset, hub, admin, seed command and tests.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

__all__ = ["ScaffoldError", "render_node", "validate_names"]

TEMPLATES = Path(__file__).resolve().parent / "node"
NODE_NAME = re.compile(r"\A[a-z][a-z0-9]{1,30}\Z")
ENTITY_NAME = re.compile(r"\A[A-Z][A-Za-z0-9]{1,40}\Z")
RESERVED = {"distributed_core", "contracts", "tests", "docs", "bench", "django", "rest_framework", "channels", "test"}


class ScaffoldError(ValueError):
    """The node cannot be generated as asked; the message says why."""


def validate_names(node: str, entity: str, taken_nodes: set[str]) -> None:
    """Raise ScaffoldError for an invalid or taken node name, or an invalid entity name."""
    if not NODE_NAME.match(node) or keyword.iskeyword(node):
        raise ScaffoldError(
            f"Invalid node name '{node}': use 2-31 lowercase letters and digits, starting with a letter"
        )
    if node in RESERVED or node in taken_nodes:
        raise ScaffoldError(f"The node name '{node}' is taken")
    if not ENTITY_NAME.match(entity):
        raise ScaffoldError(f"Invalid entity name '{entity}': use CamelCase letters and digits, e.g. Invoice")


def render_node(
    target: Path, node: str, entity: str, port: int, *, suite_file: str, signalr_browser: str
) -> list[Path]:
    """Write the node's files under `target` (the `<node>_node` folder); returns what was written."""
    values = {"node": node, "Node": node.capitalize(), "entity": entity, "entity_lower": entity.lower(), "port": port}
    values.update(suite_file=suite_file, signalr_browser=signalr_browser)
    written = []
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = template.relative_to(TEMPLATES).with_suffix("")
        path = target / str(relative).replace("__node__", node)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template.read_text()).substitute(values))
        written.append(path)
    return written
