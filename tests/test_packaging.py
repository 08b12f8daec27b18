"""`distributed_core` and `contracts` build into a wheel that carries what a Django app needs beside its code."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from .nodes import ROOT

PACKAGED = ("pyproject.toml", "distributed_core", "contracts")


def test_the_wheel_holds_the_packages_and_their_data(tmp_path):
    # build from a copy: an in-tree build would leave build/ and *.egg-info/ in the checkout
    source = tmp_path / "source"
    source.mkdir()
    for name in PACKAGED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3*"))
        else:
            shutil.copy(ROOT / name, source / name)
    # no network: the pinned setuptools of requirements.txt builds it
    command = [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation"]
    result = subprocess.run(
        [*command, "--wheel-dir", str(tmp_path / "dist"), "-q"], capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [wheel] = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    assert {"distributed_core/__init__.py", "contracts/__init__.py", "contracts/workflows.py"} <= names
    assert "distributed_core/templates/distributed_core/app_base.html" in names
    assert {
        "distributed_core/static/distributed_core/app.css",
        "distributed_core/static/distributed_core/live.js",
    } <= names
    assert "distributed_core/migrations/0001_initial.py" in names
    scaffold = {path.relative_to(ROOT).as_posix() for path in (ROOT / "distributed_core" / "scaffold").rglob("*.tmpl")}
    assert scaffold and scaffold <= names
    assert not [name for name in names if name.startswith("distributed_core/tests/")], "the core's tests stay out"
    top_level = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert top_level == {"distributed_core", "contracts"}, "the nodes, tests and bench stay out"
