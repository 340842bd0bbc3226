"""`group create|list` and `member add`."""

from __future__ import annotations

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.domain import visible


@click.group("group")
def group_cmd() -> None:
    """Create and list groups."""


@group_cmd.command("create")
@click.argument("name")
@click.option("--currency", required=True, metavar="CODE", help="ISO 4217 code, e.g. EUR.")
@click.option("--member", "members", multiple=True, metavar="NAME", help="Repeat for each.")
@key_option
@json_option
def group_create(
    name: str, currency: str, members: tuple[str, ...], key: str | None, as_json: bool
) -> None:
    """Create group NAME."""
    group = ledger().create_group(name, currency, members, key=key)
    if as_json:
        output.emit_json(output.group_json(group))
        return
    who = f" with {_names(group.members)}" if group.members else ""
    output.echo(f"Created group {group.name!r} ({group.currency}){who}.")


@group_cmd.command("list")
@json_option
def group_list(as_json: bool) -> None:
    """List the groups with their currency and members."""
    groups = ledger().groups()
    if as_json:
        output.emit_json({"groups": [output.group_json(g) for g in groups]})
        return
    if not groups:
        output.echo(
            "No groups yet: create one with 'splitledger group create NAME --currency EUR'."
        )
        return
    rows = [[g.name, g.currency, _names(g.members) or "(no members)"] for g in groups]
    output.echo(output.table(rows))


@click.group("member")
def member_cmd() -> None:
    """Manage the members of a group."""


@member_cmd.command("add")
@click.argument("group")
@click.argument("names", nargs=-1, required=True)
@key_option
@json_option
def member_add(group: str, names: tuple[str, ...], key: str | None, as_json: bool) -> None:
    """Add members NAMES to GROUP."""
    found = ledger().add_members(group, names, key=key)
    if as_json:
        output.emit_json(output.group_json(found))
        return
    output.echo(f"{found.name!r} now has {_names(found.members)}.")


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(visible(name) for name in names)
