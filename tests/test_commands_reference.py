"""docs/reference/commands.md documents every `manage_all.py` subcommand and every management
command of distributed_core, with the arguments their parsers really take (`tests/commands_reference.py`)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from . import commands_reference as reference
from .nodes import ROOT


def test_the_page_lists_every_command_as_its_parser_takes_it():
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.commands_reference", "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_new_option_or_command_is_a_difference():
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30, help="keep events younger than this many days")
    block = reference.render("manage.py prune_events", "manage.py prune_events", "Delete old events.", parser)
    page = f"# Commands\n\n{block}\n"
    assert reference.differences(page, {"manage.py prune_events": block}) == []
    parser.add_argument("--hub", help="prune only this hub")
    changed = reference.render("manage.py prune_events", "manage.py prune_events", "Delete old events.", parser)
    assert "`--hub HUB` | prune only this hub" in changed
    assert reference.differences(page, {"manage.py prune_events": changed}) == [
        "the block of `manage.py prune_events` differs"
    ]
    new = {"manage.py prune_events": block, "manage.py archive": "<!-- BEGIN commands_reference: manage.py archive -->"}
    assert reference.differences(page, new) == ["no block for `manage.py archive`"]


def test_write_adds_a_section_for_a_command_the_page_lacks():
    parser = argparse.ArgumentParser()
    parser.add_argument("--deploy", action="store_true", help="include the deployment checks")
    block = reference.render("manage_all.py check", "python3 manage_all.py check", "run the checks", parser)
    page = reference.written("# Commands\n", {"manage_all.py check": block})
    assert page == f"# Commands\n\n### `manage_all.py check`\n\n{block}\n"
    assert reference.differences(page, {"manage_all.py check": block}) == []
