"""`manage_all.py startnode`: generate a new node project from the templates in this folder.

Each `*.tmpl` file is a `string.Template` with `$node` (e.g. `invoices`), `$Node` (`Invoices`),
`$entity` (`Invoice`), `$entity_lower` (`invoice`), `$port`, what the suite tells about its
layout: `$suite_file` (the file listing its nodes and ports) and `$signalr_browser` (the folder of
the SignalR browser client), both relative to the folder that holds the nodes, and what the node
follows (`--listen <node>/<hub>`): `$gateways`, `$listeners` and `$sagas`. Template paths use
`__node__` for the node name. The generated node is a complete Django project: settings, URLs, ASGI app,
an app with the Entity, its Query, Command, viewset, hub, admin, seed command and tests, and, when
it listens, a saga per followed hub (`sagas.py`), ready for its `@handles` methods.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

__all__ = ["ScaffoldError", "parse_listen", "render_node", "validate_names"]

TEMPLATES = Path(__file__).resolve().parent / "node"
NODE_NAME = re.compile(r"\A[a-z][a-z0-9]{1,30}\Z")
ENTITY_NAME = re.compile(r"\A[A-Z][A-Za-z0-9]{1,40}\Z")
HUB_NAME = re.compile(r"\A[a-z][a-z0-9]{1,40}\Z")
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


def parse_listen(spec: str, node: str, suite_nodes: set[str]) -> tuple[str, str]:
    """`(source, hub)` from `--listen <source>/<hub>`; ScaffoldError unless the source is another node of the suite."""
    source, _, hub = spec.partition("/")
    if not hub or not HUB_NAME.match(hub):
        raise ScaffoldError(f"Invalid --listen '{spec}': use <node>/<hub>, e.g. workflows/package")
    if source == node or source not in suite_nodes:
        known = ", ".join(sorted(suite_nodes)) or "none"
        raise ScaffoldError(f"Invalid --listen '{spec}': {source!r} is not another node of the suite (known: {known})")
    return source, hub


SAGA = Template(
    """

class ${saga}(EntitySaga):
    \"\"\"Reacts to the ${source} node's `/events/${hub}` hub.\"\"\"

    # what it changes is announced on the hub its model declares (hub = Hub(...) on the model)
    # contract = <a contract's data class (a ContractData), e.g. contracts.workflows.PackageData>; else a dict

    @handles("OnAdd")
    def ${hub}_added(self, event: EventMessage) -> None:
        \"\"\"OnAdd of a ${hub} in ${source}: nothing to do yet.\"\"\"
"""
)


def _listening(node: str, listens: list[tuple[str, str]]) -> dict[str, str]:
    """`$gateways`, `$listeners` and `$sagas` for the `(source, hub)` pairs: one saga class per hub, named after it."""
    sources = dict.fromkeys(source for source, _ in listens)
    urls = [f'"{source}": f"http://127.0.0.1:{{ports[\'{source}\']}}"' for source in sources]
    entries, sagas, names = [], [], set()
    for source, hub in listens:
        saga = f"{hub.capitalize()}Saga"
        if saga in names:  # the same hub name on two nodes
            saga = f"{source.capitalize()}{saga}"
        names.add(saga)
        entries.append(f'{{"source": "{source}", "hub": "{hub}", "saga": "{node}.sagas.{saga}"}}')
        sagas.append(SAGA.substitute(saga=saga, source=source, hub=hub))
    if len(entries) > 1:
        listeners = "[\n" + "".join(f"    {entry},\n" for entry in entries) + "]"
    else:
        listeners = f"[{''.join(entries)}]"
    return {"gateways": "{" + ", ".join(urls) + "}", "listeners": listeners, "sagas": "".join(sagas)}


def render_node(
    target: Path,
    node: str,
    entity: str,
    port: int,
    *,
    suite_file: str,
    signalr_browser: str,
    listens: list[tuple[str, str]] = (),
) -> list[Path]:
    """Write the node's files under `target` (the `<node>_node` folder); returns what was written.

    `listens`: the `(source node, hub)` pairs it follows (`parse_listen`), each with a saga.
    """
    values = {"node": node, "Node": node.capitalize(), "entity": entity, "entity_lower": entity.lower(), "port": port}
    values.update(suite_file=suite_file, signalr_browser=signalr_browser, **_listening(node, list(listens)))
    written = []
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = template.relative_to(TEMPLATES).with_suffix("")
        if relative.name == "sagas.py" and not listens:
            continue  # a node that follows no hub has no saga
        path = target / str(relative).replace("__node__", node)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template.read_text()).substitute(values))
        written.append(path)
    return written
