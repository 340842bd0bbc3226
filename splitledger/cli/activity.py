"""`activity`: what happened in a group, newest first, with who did it, when, and for
edits what changed, field by field. Paged like `history` (`--before`, `more`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, ledger
from splitledger.cli.params import CountType
from splitledger.domain import MAX_ID, visible

if TYPE_CHECKING:
    from splitledger.services.views import ActivityItem, FieldChange


def change_json(change: FieldChange) -> dict[str, str]:
    return {"field": change.field, "old": change.old, "new": change.new}


def change_line(change: FieldChange) -> str:
    """`  amount: 90.00 EUR → 120.00 EUR`, each value shown through `visible`."""
    old, new = visible(change.old) or "(none)", visible(change.new) or "(none)"
    return f"    {change.field}: {old} → {new}"


def item_json(item: ActivityItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "at": item.at.isoformat(),
        "actor": item.actor,
        "kind": item.kind,
        "tx": item.tx,
        "description": item.description,
        "changes": [change_json(c) for c in item.changes],
    }


def item_line(item: ActivityItem) -> str:
    """`#12  2026-11-30 18:56  ann  edited #7: Dinner`."""
    what = item.kind.replace("_", " ") + (f" #{item.tx}" if item.tx is not None else "")
    about = f": {visible(item.description)}" if item.description else ""
    return f"#{item.id}  {item.at:%Y-%m-%d %H:%M}  {visible(item.actor)}  {what}{about}"


@click.command("activity")
@click.argument("group")
@json_option
@click.option(
    "--limit",
    type=CountType(1, 10_000),
    default=50,
    show_default=True,
    help="At most N items (1 to 10000).",
)
@click.option(
    "--before",
    type=CountType(1, MAX_ID),
    metavar="ID",
    help="Continue with the items older than ID (as --json's `before` says).",
)
def activity_cmd(group: str, as_json: bool, limit: int, before: int | None) -> None:
    """What happened in GROUP, newest first: expenses recorded, edited (what changed),
    deleted, restored or undone, payments, members, rates and imports, with who did it
    and when. When more items follow, --json says so (`"more": true`, `"before": ID`)
    and the text ends with a note on stderr; --before ID gives the next ones."""
    book = ledger()
    page = book.activity(group, before=before, limit=limit)
    if as_json:
        output.emit_json(
            {
                "group": book.group(group).name,
                "items": [item_json(i) for i in page.items],
                "more": page.more,
                "before": page.before,
            }
        )
    else:
        if not page.items:
            output.echo("No activity.")
        for item in page.items:
            output.echo(item_line(item))
            for change in item.changes:
                output.echo(change_line(change))
    if page.before is not None and not as_json:
        output.note(f"More activity: continue with --before {page.before}.")
