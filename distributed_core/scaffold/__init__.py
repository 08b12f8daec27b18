"""`manage_all.py startnode`: generate a new node project from the templates in this folder.

Each `*.tmpl` file is a `string.Template` with `$node` (e.g. `invoices`), `$Node` (`Invoices`),
`$entity` (`Invoice`), `$entity_lower` (`invoice`), `$port`, what the suite tells about its
layout: `$suite_file` (the file listing its nodes and ports) and `$signalr_browser` (the folder of
the SignalR browser client), both relative to the folder that holds the nodes, and what the node
follows (`--listen <node>/<hub>`): `$gateways`, `$listeners`, `$contracts` (the imports of the
contracts that declare those hubs) and `$sagas`. Template paths use
`__node__` for the node name. The generated node is a complete Django project: settings, URLs, ASGI app,
an app with the Entity, its Query, Command, viewset, hub, admin, seed command and tests, and, when
it listens, a saga per followed hub (`sagas.py`), ready for its `@handles` methods.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

__all__ = ["Listen", "ScaffoldError", "hub_contract", "parse_listen", "render_node", "validate_names"]

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


@dataclass(frozen=True)
class Listen:
    """A hub the new node follows (`--listen <source>/<hub>`), and the contract that declares it."""

    source: str  # the node that serves the hub
    hub: str
    module: str  # the contract module whose abstract model declares the hub, e.g. contracts.workflows
    data_class: str | None  # its data class (`class PackageData(ContractData, model=Package)`), if it has one


def parse_listen(spec: str, node: str, suite_nodes: set[str], contracts_dir: Path) -> Listen:
    """The hub of `--listen <source>/<hub>`; ScaffoldError unless the source is another node of the suite
    and a contract in `contracts_dir` declares the hub (a node's public hubs are declared with its contracts)."""
    source, _, hub = spec.partition("/")
    if not hub or not HUB_NAME.match(hub):
        raise ScaffoldError(f"Invalid --listen '{spec}': use <node>/<hub>, e.g. workflows/package")
    if source == node or source not in suite_nodes:
        known = ", ".join(sorted(suite_nodes)) or "none"
        raise ScaffoldError(f"Invalid --listen '{spec}': {source!r} is not another node of the suite (known: {known})")
    found = hub_contract(hub, contracts_dir)
    if found is None:
        raise ScaffoldError(
            f"Invalid --listen '{spec}': no contract in {contracts_dir.name}/ declares the hub '{hub}' "
            f'(hub = Hub("{hub}") on the abstract model of the {source} node\'s contract)'
        )
    return Listen(source, hub, *found)


def hub_contract(hub: str, contracts_dir: Path) -> tuple[str, str | None] | None:
    """`(module, data class)` of the contract that declares `hub`, read from the files (no import: Django is
    not set up here); the data class is None when the model has no `ContractData` class. None: no contract does."""
    declaration = re.compile(rf"""^[ \t]+\w+ = Hub\(\s*["']{re.escape(hub)}["']""", re.M)
    for path in sorted(contracts_dir.glob("*.py")):
        text = path.read_text()
        declared = declaration.search(text)
        if declared is None:
            continue
        models = re.findall(r"^class (\w+)\(", text[: declared.start()], re.M)  # the class the line is in
        data = None
        if models:
            found = re.search(rf"^class (\w+)\(ContractData, model={models[-1]}\)", text, re.M)
            data = found.group(1) if found else None
        return f"{contracts_dir.name}.{path.stem}", data
    return None


SAGA = Template(
    """

class ${saga}(EntitySaga):
    \"\"\"Reacts to the ${source} node's `/events/${hub}` hub.\"\"\"

    # what it changes is announced on the hub its model declares (hub = Hub(...) on the model)
    ${contract}

    @handles("OnAdd")
    def ${hub}_added(self, event: ${event}) -> None:
        \"\"\"OnAdd of a ${hub} in ${source}: nothing to do yet.\"\"\"
"""
)


def _listening(node: str, listens: list[Listen]) -> dict[str, str]:
    """`$gateways`, `$listeners`, `$contracts` and `$sagas` for the hubs: one saga class per hub, named after it."""
    sources = dict.fromkeys(listen.source for listen in listens)
    urls = [f'"{source}": f"http://127.0.0.1:{{ports[\'{source}\']}}"' for source in sources]
    entries, sagas, names, imports = [], [], set(), set()
    for listen in listens:
        saga = f"{listen.hub.capitalize()}Saga"
        if saga in names:  # the same hub name on two nodes
            saga = f"{listen.source.capitalize()}{saga}"
        names.add(saga)
        entries.append(f'{{"source": "{listen.source}", "hub": "{listen.hub}", "saga": "{node}.sagas.{saga}"}}')
        if listen.data_class:
            imports.add(f"from {listen.module} import {listen.data_class}\n")
            contract = f"contract = {listen.data_class}  # event data arrives as the contract's data class"
        else:  # importing the contract declares its hub here, which `check` asks for
            imports.add(f"import {listen.module}  # noqa: F401  (declares the {listen.hub} hub)\n")
            contract = "# contract = <the contract's data class (a ContractData)>; without one, event data is a dict"
        event = f"EventMessage[{listen.data_class}]" if listen.data_class else "EventMessage"
        values = {"saga": saga, "source": listen.source, "hub": listen.hub, "contract": contract, "event": event}
        sagas.append(SAGA.substitute(values))
    if len(entries) > 1:
        listeners = "[\n" + "".join(f"    {entry},\n" for entry in entries) + "]"
    else:
        listeners = f"[{''.join(entries)}]"
    return {
        "gateways": "{" + ", ".join(urls) + "}",
        "listeners": listeners,
        "contracts": "".join(sorted(imports)),
        "sagas": "".join(sagas),
    }


def render_node(
    target: Path,
    node: str,
    entity: str,
    port: int,
    *,
    suite_file: str,
    signalr_browser: str,
    listens: list[Listen] = (),
) -> list[Path]:
    """Write the node's files under `target` (the `<node>_node` folder); returns what was written.

    `listens`: the hubs it follows (`parse_listen`), each with a saga.
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
