"""`manage.py settings_reference`: the table of the core settings in docs/reference/settings.md, from their declaration.

The page is written by hand around one generated block, between `BEGIN` and `END`; this command
prints that block from `distributed_core.conf.CORE_SETTINGS`, writes it into a page (`--write`) or
says whether a page holds it as declared (`--check`, which a test does too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from distributed_core.conf import CORE_SETTINGS, Setting

BEGIN = "<!-- BEGIN settings_reference: generated from distributed_core.conf.CORE_SETTINGS, do not edit -->"
END = "<!-- END settings_reference -->"


def _default(value: Any) -> str:
    # a read-only mapping shows as the dict it reads as; everything else as settings.py writes it
    shown = dict(value) if hasattr(value, "keys") else value
    return f"`{shown!r}`"


def reference_table(declared: tuple[Setting, ...] = CORE_SETTINGS) -> str:
    """The generated block: one row per core setting, then how each type used is written in the environment."""
    rows = [
        "| setting | attribute of `dd_settings` | environment variable | type | default | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for setting in declared:
        variable = f"`{setting.variable}`" if setting.variable else "—"
        rows.append(
            f"| `{setting.name}` | `{setting.attribute}` | {variable} | {setting.kind.name} "
            f"| {_default(setting.default)} | {setting.meaning} |"
        )
    kinds = {setting.kind.name: setting.kind for setting in declared if setting.variable}
    legend = ["| type | written in the environment |", "|---|---|"]
    legend += [f"| {name} | {kind.written} |" for name, kind in kinds.items()]
    return "\n".join([BEGIN, "", *rows, "", *legend, "", END])


def with_table(page: str, table: str) -> str:
    """`page` with its generated block replaced by `table`; a ValueError when it has no such block."""
    start, end = page.find(BEGIN), page.find(END)
    if start < 0 or end < start:
        raise ValueError(f"The page has no generated block: a line {BEGIN!r}, then a line {END!r}.")
    return page[:start] + table + page[end + len(END) :]


class Command(BaseCommand):
    """`manage.py settings_reference [--write PAGE | --check PAGE]`."""

    help = (
        "Print the table of the core DD_* settings (from distributed_core.conf.CORE_SETTINGS); --write PAGE "
        "replaces the page's generated block with it, --check PAGE fails when the page's block differs."
    )

    def add_arguments(self, parser) -> None:
        """`--write PAGE` or `--check PAGE`; neither: print the block."""
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--write", metavar="PAGE", type=Path, help="write the block into PAGE")
        action.add_argument("--check", metavar="PAGE", type=Path, help="fail when PAGE's block is not the declared one")

    def handle(self, *args, write: Path | None = None, check: Path | None = None, **options) -> None:
        """Print, write or check the generated block."""
        table = reference_table()
        page_path = write or check
        if page_path is None:
            self.stdout.write(table)
            return
        try:
            page = page_path.read_text(encoding="utf-8")
            updated = with_table(page, table)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        if check:
            if updated != page:
                raise CommandError(f"{page_path} does not list the core settings as declared: run with --write.")
            self.stdout.write(f"{page_path} lists the core settings as declared.")
        elif updated != page:
            page_path.write_text(updated, encoding="utf-8")
            self.stdout.write(f"Wrote the core settings into {page_path}.")
        else:
            self.stdout.write(f"{page_path} already lists the core settings as declared.")
