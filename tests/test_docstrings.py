"""Every public class, function and method of `distributed_core` and `contracts` carries a docstring."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["distributed_core", "contracts"]
SKIPPED = [ROOT / "distributed_core" / "scaffold" / "node", ROOT / "distributed_core" / "tests"]

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def modules() -> list[Path]:
    """The packages' .py files, without migrations, the node template and the core's own tests."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            if any(path.is_relative_to(skipped) for skipped in SKIPPED):
                continue
            found.append(path)
    return found


def undocumented(path: Path) -> list[str]:
    """`file:qualname` of each public class, function, or public method of a public class, with no docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(ROOT).as_posix()
    missing = []
    for node in tree.body:
        if not isinstance(node, (ast.ClassDef, *FUNCTIONS)) or node.name.startswith("_"):
            continue
        if ast.get_docstring(node) is None:
            missing.append(f"{where}:{node.name}")
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                if not isinstance(member, FUNCTIONS) or member.name.startswith("_"):
                    continue
                if ast.get_docstring(member) is None:
                    missing.append(f"{where}:{node.name}.{member.name}")
    return missing


def test_the_walk_finds_the_packages():
    paths = {path.relative_to(ROOT).as_posix() for path in modules()}
    assert "distributed_core/conf.py" in paths
    assert "contracts/core.py" in paths
    assert not any("/migrations/" in path or path.startswith("distributed_core/scaffold/node/") for path in paths)


def test_public_classes_and_functions_have_docstrings():
    missing = [item for path in modules() for item in undocumented(path)]
    assert not missing, f"{len(missing)} public classes/functions without a docstring:\n" + "\n".join(missing)
