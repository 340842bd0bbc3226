"""docs/cli.md's reference parts, generated from the click definitions so that they
cannot drift from what the commands take (tests/unit/test_cli_docs.py compares).

`python -m splitledger.cli.docs` prints docs/cli.md with its generated blocks made
anew; `--write` writes that back; `--check` exits 1 if the file is not up to date.
A block sits between `<!-- BEGIN GENERATED: NAME … -->` and `<!-- END GENERATED:
NAME -->`; everything outside the blocks is hand-written prose and kept as it is.

A development tool: nothing imports it at run time (it loads every command).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from splitledger.cli.main import COMMANDS, cli, load

#: The file the blocks live in, in a source checkout.
DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
PROG = "splitledger"
#: Columns the `--help` texts are laid out in (a terminal's 80 would wrap them more).
WIDTH = 88

_BLOCK = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[a-z-]+)[^\n]*-->\n)"
    r".*?"
    r"(?P<end><!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def _root() -> click.Context:
    """The root command's context as a run would make it (`-h` as well as `--help`)."""
    return click.Context(
        cli, info_name=PROG, terminal_width=WIDTH, max_content_width=WIDTH, **cli.context_settings
    )


def contexts() -> Iterator[tuple[click.Context, click.Command]]:
    """Every command a user runs, as (its context, the command), in `--help`'s order:
    each group's sub-commands after it, in their listed (sorted) order."""
    root = _root()
    for name in sorted(COMMANDS):
        command = load(name)
        ctx = click.Context(command, info_name=name, parent=root)
        if isinstance(command, click.Group):
            for sub_name in command.list_commands(ctx):
                sub = command.get_command(ctx, sub_name)
                if sub is not None and not sub.hidden:
                    yield click.Context(sub, info_name=sub_name, parent=ctx), sub
        else:
            yield ctx, command


def _path(ctx: click.Context) -> str:
    """`expense add` (the command path without the program's name)."""
    return ctx.command_path.removeprefix(PROG).strip()


def _synopsis(ctx: click.Context, command: click.Command) -> str:
    """`expense add GROUP DESCRIPTION AMOUNT --paid-by M[=AMT]… [--split MODE] …`:
    arguments, then each option (required ones without brackets, repeatable ones
    with `…`), the help option left out."""
    parts = [_path(ctx)]
    help_option = command.get_help_option(ctx)
    for param in command.get_params(ctx):
        if isinstance(param, click.Argument):
            metavar = param.make_metavar(ctx).removesuffix("...")
            parts.append(metavar + ("…" if param.nargs == -1 else ""))
            continue
        if not isinstance(param, click.Option) or param is help_option:
            continue
        name = max(param.opts, key=len)
        if param.is_flag:
            text = name
        else:
            metavar = param.metavar or param.make_metavar(ctx)
            if isinstance(param.type, click.Choice):
                metavar = metavar.strip("[]")
            text = f"{name} {metavar}"
        text = text if param.required else f"[{text}]"
        parts.append(text + ("…" if param.multiple else ""))
    return " ".join(parts)


def _cell(text: str) -> str:
    """Text for a Markdown table cell (GitHub's tables split at `|`, even in code)."""
    return text.replace("|", "\\|")


def commands_table() -> str:
    """The table of every command: its synopsis and its one-line help."""
    rows = ["| command | what it does |", "|---|---|"]
    for ctx, command in contexts():
        help_line = command.get_short_help_str(limit=10**6)
        rows.append(f"| `{_cell(_synopsis(ctx, command))}` | {_cell(help_line)} |")
    return "\n".join(rows) + "\n"


def reference() -> str:
    """Each command's `--help`, as the command prints it (at `WIDTH` columns)."""
    root = _root()
    sections = [f"### `{PROG}`\n\n```text\n{cli.get_help(root)}\n```\n"]
    for ctx, command in contexts():
        sections.append(f"### `{PROG} {_path(ctx)}`\n\n```text\n{command.get_help(ctx)}\n```\n")
    return "\n".join(sections)


BLOCKS: dict[str, Callable[[], str]] = {"commands": commands_table, "reference": reference}


def render(text: str) -> str:
    """`text` (docs/cli.md) with every generated block made anew from the commands."""
    seen: set[str] = set()

    def fill(found: re.Match[str]) -> str:
        name = found["name"]
        if name not in BLOCKS:
            raise ValueError(f"docs/cli.md: no generator for the block {name!r}")
        seen.add(name)
        return f"{found['begin']}\n{BLOCKS[name]()}\n{found['end']}"

    made = _BLOCK.sub(fill, text)
    missing = sorted(set(BLOCKS) - seen)
    if missing:
        raise ValueError(f"docs/cli.md: the blocks {missing} are missing")
    return made


def main(argv: list[str]) -> int:
    current = DOC.read_text(encoding="utf-8")
    made = render(current)
    if "--check" in argv:
        if made != current:
            print(f"{DOC} is out of date: run python -m splitledger.cli.docs --write")
            return 1
        return 0
    if "--write" in argv:
        DOC.write_text(made, encoding="utf-8")
        return 0
    sys.stdout.write(made)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
