"""The option tables of docs/reference/commands.md, generated from the commands' own parsers.

Every subcommand of `manage_all.py` and every management command of `distributed_core` has a
block on the page between `<!-- BEGIN commands_reference: <command> -->` and
`<!-- END commands_reference -->`: its usage line and a table of its arguments, made here from
the argparse parser the command really uses (Django's common options, which every management
command takes, are left out). The prose around the blocks is written by hand.

    .venv/bin/python -m tests.commands_reference --check   # exit 1 and say what differs
    .venv/bin/python -m tests.commands_reference --write   # rewrite the blocks; add a section per new command

`tests/test_commands_reference.py` runs `--check`, so a new command or option, or a changed help
text, fails until the page is written again.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "reference" / "commands.md"
BEGIN = "<!-- BEGIN commands_reference: {name} -->"
END = "<!-- END commands_reference -->"
BLOCK = re.compile(r"<!-- BEGIN commands_reference: (?P<name>[^>]+?) -->\n.*?" + re.escape(END), re.S)
# what BaseCommand.create_parser adds to every management command
DJANGO_COMMON = {"help", "version", "verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color"}
DJANGO_COMMON |= {"skip_checks"}


def suite_parser() -> argparse.ArgumentParser:
    """`manage_all.py`'s parser (the file imports only the standard library before it sets anything up)."""
    spec = importlib.util.spec_from_file_location("manage_all", ROOT / "manage_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parser()


def core_commands() -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """{name: (help, parser)} of every management command of distributed_core, as a node loads it."""
    sys.path.insert(0, str(ROOT / "proposals_node"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proposals_project.settings")
    import django
    from django.core.management import find_commands, load_command_class

    django.setup()
    import distributed_core

    found = {}
    for name in sorted(find_commands(str(Path(distributed_core.__file__).parent / "management"))):
        command = load_command_class("distributed_core", name)
        found[name] = (str(command.help), command.create_parser("manage.py", name))
    return found


def subcommands(parser: argparse.ArgumentParser) -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """{name: (help, parser)} of a parser's subcommands, in the order they were declared."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._get_subactions()}
            return {name: (helps.get(name, ""), sub) for name, sub in action.choices.items()}
    return {}


def _own(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if action.dest not in DJANGO_COMMON
        and not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction))
    ]


def _spelling(action: argparse.Action) -> str:
    """How the argument is written: `NAME`, `--port PORT`, `--deploy`, `-- PYTEST_ARGS...`."""
    metavar = action.metavar or action.dest.upper()
    if not action.option_strings:
        return f"{metavar}..." if action.nargs in (argparse.REMAINDER, "+", "*") else metavar
    flag = " | ".join(action.option_strings)
    return flag if action.nargs == 0 else f"{flag} {metavar}"


def _usage(prog: str, parser: argparse.ArgumentParser) -> str:
    parts = [prog]
    for action in _own(parser):
        spelled = _spelling(action)
        repeated = "..." if isinstance(action, argparse._AppendAction) else ""
        optional = action.nargs in (argparse.REMAINDER, "*") or (action.option_strings and not action.required)
        parts.append(f"[{spelled}]{repeated}" if optional else spelled + repeated)
    if subcommands(parser):
        parts.append("{" + " | ".join(subcommands(parser)) + "} ...")
    return " ".join(parts)


def _table(parser: argparse.ArgumentParser) -> list[str]:
    actions = _own(parser)
    if not actions:
        return [] if subcommands(parser) else ["No arguments."]
    rows = ["| argument | what |", "|---|---|"]
    for action in actions:
        notes = []
        if action.required and action.option_strings:
            notes.append("required")
        if isinstance(action, argparse._AppendAction) and "repeatable" not in (action.help or ""):
            notes.append("repeatable")
        if action.choices and not isinstance(action.choices, dict):
            notes.append("one of " + ", ".join(f"`{choice}`" for choice in action.choices))
        text = _markdown(action.help or "")
        if action.default not in (None, False, [], argparse.SUPPRESS) and "default" not in text:
            notes.append(f"default `{action.default}`")
        rows.append(f"| `{_spelling(action)}` | {text}{' (' + '; '.join(notes) + ')' if notes else ''} |")
    return rows


def _markdown(text: str) -> str:
    """Help text as a Markdown table cell or quote: `<node>` is text, not an HTML tag; `|` is not a column."""
    return text.replace("<", "&lt;").replace("|", "\\|")


def render(name: str, prog: str, help_text: str, parser: argparse.ArgumentParser) -> str:
    """The block of one command: its help, usage and arguments, and those of its own subcommands."""
    quote = f"> {_markdown(help_text)}" if help_text else ""
    lines = [BEGIN.format(name=name), "", quote, "", "```", _usage(prog, parser), "```"]
    lines += ["", *_table(parser)]
    for sub, (sub_help, sub_parser) in subcommands(parser).items():
        lines += ["", f"`{sub}`: {_markdown(sub_help)}", "", "```", _usage(f"{prog} {sub}", sub_parser), "```"]
        if _own(sub_parser):
            lines += ["", *_table(sub_parser)]
    lines += ["", END]
    return "\n".join(line for index, line in enumerate(lines) if line or lines[index - 1])


def blocks() -> dict[str, str]:
    """{name: block} of every command the page documents, generated."""
    found = {}
    for sub, (help_text, parser) in subcommands(suite_parser()).items():
        name = f"manage_all.py {sub}"
        found[name] = render(name, f"python3 {name}", help_text, parser)
    for command, (help_text, parser) in core_commands().items():
        name = f"manage.py {command}"
        found[name] = render(name, name, help_text, parser)
    return found


def differences(page: str, generated: dict[str, str]) -> list[str]:
    """What the page lacks, has in excess, or has otherwise than generated."""
    written = {match["name"]: match.group(0) for match in BLOCK.finditer(page)}
    problems = [f"no block for `{name}`" for name in generated if name not in written]
    problems += [f"a block for `{name}`, which is no command" for name in written if name not in generated]
    problems += [
        f"the block of `{name}` differs" for name in generated if name in written and written[name] != generated[name]
    ]
    return problems


def written(page: str, generated: dict[str, str]) -> str:
    """The page with every block as generated, and a new section at its end for each command it lacked."""
    page = BLOCK.sub(lambda match: generated.get(match["name"], match.group(0)), page)
    present = {match["name"] for match in BLOCK.finditer(page)}
    for name, block in generated.items():
        if name not in present:
            page = page.rstrip("\n") + f"\n\n### `{name}`\n\n{block}\n"
    return page


def main() -> int:
    action = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action.add_argument("--write", action="store_true", help="rewrite the page's generated blocks")
    action.add_argument("--check", action="store_true", help="exit 1 if the page differs from the commands")
    args = action.parse_args()
    generated = blocks()
    page = PAGE.read_text()
    if args.write:
        PAGE.write_text(written(page, generated))
        print(f"Wrote {len(generated)} command blocks into {PAGE.relative_to(ROOT)}.")
        return 0
    problems = differences(page, generated)
    for problem in problems:
        print(f"{PAGE.relative_to(ROOT)}: {problem}")
    if problems:
        print("Run: .venv/bin/python -m tests.commands_reference --write (then write what the new ones do)")
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
