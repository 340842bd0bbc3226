"""`group create|list|rename|archive|unarchive` and `member add|rename|remove`, each
write with `--key`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.domain import visible

if TYPE_CHECKING:
    from splitledger.services.views import GroupView


@click.group("group")
def group_cmd() -> None:
    """Create, list, rename and archive groups."""


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
@click.option("--all", "show_all", is_flag=True, help="Archived groups too.")
@json_option
def group_list(show_all: bool, as_json: bool) -> None:
    """List the groups with their currency and members (archived ones with --all)."""
    book = ledger()
    groups = book.list_groups(include_archived=show_all)
    if as_json:
        output.emit_json({"groups": [output.group_json(g) for g in groups]})
        return
    if not groups:
        hidden = 0 if show_all else len(book.list_groups(include_archived=True))
        if hidden:
            output.echo(f"No groups but archived ones ({hidden}): 'group list --all' shows them.")
        else:
            output.echo(
                "No groups yet: create one with 'splitledger group create NAME --currency EUR'."
            )
        return
    rows = [[g.name, g.currency, _names(g.members) or "(no members)", _state(g)] for g in groups]
    output.echo(output.table(rows))


@group_cmd.command("rename")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@key_option
@json_option
def group_rename(old: str, new: str, key: str | None, as_json: bool) -> None:
    """Rename group OLD to NEW (its history, members and balances stay)."""
    group = ledger().rename_group(old, new, key=key)
    if as_json:
        output.emit_json(output.group_json(group))
        return
    output.echo(f"Renamed group {_quoted(old)} to {_quoted(group.name)}.")


@group_cmd.command("archive")
@click.argument("name")
@key_option
@json_option
def group_archive(name: str, key: str | None, as_json: bool) -> None:
    """Archive group NAME: read-only (every change refused), and left out of 'group
    list' unless --all. Balances, history, export and verify still read it."""
    group = ledger().archive_group(name, key=key)
    if as_json:
        output.emit_json(output.group_json(group))
        return
    output.echo(f"Archived group {_quoted(group.name)}: it is read-only now.")


@group_cmd.command("unarchive")
@click.argument("name")
@key_option
@json_option
def group_unarchive(name: str, key: str | None, as_json: bool) -> None:
    """Make archived group NAME writable and listed again."""
    group = ledger().unarchive_group(name, key=key)
    if as_json:
        output.emit_json(output.group_json(group))
        return
    output.echo(f"Unarchived group {_quoted(group.name)}.")


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


@member_cmd.command("rename")
@click.argument("group")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@key_option
@json_option
def member_rename(group: str, old: str, new: str, key: str | None, as_json: bool) -> None:
    """Rename member OLD of GROUP to NEW (their history and balances follow)."""
    found = ledger().rename_member(group, old, new, key=key)
    if as_json:
        output.emit_json(output.group_json(found))
        return
    output.echo(f"Renamed {_quoted(old)} to {_quoted(new.strip())} in {_quoted(found.name)}.")
    output.echo(f"{_quoted(found.name)} now has {_names(found.members)}.")


@member_cmd.command("remove")
@click.argument("group")
@click.argument("name")
@key_option
@json_option
def member_remove(group: str, name: str, key: str | None, as_json: bool) -> None:
    """Remove member NAME from GROUP: refused (exit 2) while any of their balances is
    not zero. Their history stays; 'member add GROUP NAME' brings them back."""
    found = ledger().remove_member(group, name, key=key)
    if as_json:
        output.emit_json(output.group_json(found))
        return
    output.echo(f"Removed {_quoted(name)} from {_quoted(found.name)}.")
    who = _names(found.members)
    output.echo(f"{_quoted(found.name)} now has {who}." if who else "It has no members now.")


def _state(group: GroupView) -> str:
    """`archived, closed through 2026-12-31`, or empty."""
    parts = ["archived"] if group.archived else []
    if group.closed_through is not None:
        parts.append(f"closed through {group.closed_through.isoformat()}")
    return ", ".join(parts)


def _quoted(name: str) -> str:
    """A name as a message quotes it: never raw control characters."""
    return repr(visible(name))


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(visible(name) for name in names)
