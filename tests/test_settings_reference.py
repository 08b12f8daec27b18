"""docs/reference/settings.md lists every core setting as declared, and every variable the settings read.

The core settings' table is generated from `distributed_core.conf.CORE_SETTINGS` by
`manage.py settings_reference`; the rest of the page is written by hand.
"""

from __future__ import annotations

import importlib
import re
import sys

import pytest

from distributed_core.conf import CORE_SETTINGS
from distributed_core.env import env, gateways, node_database
from distributed_core.management.commands.settings_reference import BEGIN, END, reference_table, with_table

from .nodes import ROOT

PAGE = ROOT / "docs" / "reference" / "settings.md"
REGENERATE = (
    "cd proposals_node && ../.venv/bin/python manage.py settings_reference --write ../docs/reference/settings.md"
)


def test_the_page_holds_the_table_the_declaration_generates():
    page = PAGE.read_text(encoding="utf-8")
    assert with_table(page, reference_table()) == page, f"The settings reference is out of date: run `{REGENERATE}`"


def test_each_declared_setting_has_its_row_on_the_page():
    page = PAGE.read_text(encoding="utf-8")
    table = page[page.index(BEGIN) : page.index(END)]
    rows = {row.split("|")[1].strip(): row for row in table.splitlines() if row.startswith("| `DD_")}
    for setting in CORE_SETTINGS:
        assert f"`{setting.name}`" in rows, f"{setting.name} is missing from {PAGE.name}: run `{REGENERATE}`"
        row = rows[f"`{setting.name}`"]
        assert f"`{setting.attribute}`" in row and setting.meaning in row
        assert (f"`{setting.variable}`" if setting.variable else "—") in row
    assert len(rows) == len(CORE_SETTINGS)


class RecordingEnviron(dict):
    """An environment that notes the name of every variable read from it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read: set[str] = set()

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def __contains__(self, name):
        self.read.add(name)
        return super().__contains__(name)

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)


@pytest.mark.parametrize(
    "environment",
    [{}, {"DEBUG": "0", "SECRET_KEY": "s3cret", "REDIS_URL": "redis://127.0.0.1:6379/0"}],
    ids=["empty", "deployed"],
)
def test_every_variable_the_settings_read_is_on_the_page(monkeypatch, tmp_path, environment):
    recording = RecordingEnviron(environment)
    monkeypatch.setattr(env, "ENVIRON", recording)
    monkeypatch.delitem(sys.modules, "distributed_core.base_settings", raising=False)
    importlib.import_module("distributed_core.base_settings")
    node_database("invoices", tmp_path)
    gateways({"workflows": "http://127.0.0.1:5002"})
    # a node's own names stand for every node's in the page
    read = {
        re.sub(r"^INVOICES_", "<NODE>_", re.sub(r"^WORKFLOWS_GATEWAY_", "<REMOTE>_GATEWAY_", name))
        for name in recording.read
    }
    assert {"DEBUG", "LISTENER_BATCH_SIZE", "<NODE>_DATABASE_URL", "<REMOTE>_GATEWAY_TOKEN"} <= read
    page = PAGE.read_text(encoding="utf-8")
    missing = sorted(name for name in read if f"| `{name}` |" not in page)
    assert not missing, f"{PAGE.name} does not list these variables the settings read: {missing}"
