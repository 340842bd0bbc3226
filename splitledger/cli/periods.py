"""`close GROUP --through DATE`: close a period (ADR 0018); without --through, show the
close in force and the ones before it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.cli.params import DATE
from splitledger.domain import visible

if TYPE_CHECKING:
    from splitledger.services.views import PeriodClose


def _close_json(close: PeriodClose) -> dict[str, Any]:
    return {
        "group": close.group,
        "through": close.through.isoformat(),
        "closed_at": close.closed_at.isoformat(),
        "actor": close.actor,
    }


def _line(close: PeriodClose) -> str:
    return (
        f"closed through {close.through.isoformat()} on "
        f"{close.closed_at:%Y-%m-%d %H:%M} UTC by {visible(close.actor)}"
    )


@click.command("close")
@click.argument("group")
@click.option(
    "--through",
    type=DATE,
    help="The last day to close: nothing dated then or before can be recorded, edited or "
    "deleted afterwards. Later than the current close, and not after today. Without it: "
    "show the closes.",
)
@key_option
@json_option
def close_cmd(group: str, through: dt.date | None, key: str | None, as_json: bool) -> None:
    """Close GROUP's books through a date, or show its closes.

    A correction of a closed bill is a new entry dated after the close. A close only moves
    forward; 'verify' checks that nothing in a closed period changed after its close."""
    book = ledger()
    if through is None:
        closes = book.period_closes(group)
        if as_json:
            name = closes[-1].group if closes else book.group(group).name
            output.emit_json(
                {
                    "group": name,
                    "closed": None if not closes else _close_json(closes[-1]),
                    "closes": [_close_json(c) for c in closes],
                }
            )
            return
        if not closes:
            output.echo(f"{visible(book.group(group).name)} has never been closed.")
            return
        output.echo(f"{visible(closes[-1].group)} is {_line(closes[-1])}.")
        for earlier in reversed(closes[:-1]):
            output.echo(f"  earlier: {_line(earlier)}")
        return
    close = book.close_period(group, through, key=key)
    if as_json:
        output.emit_json(_close_json(close))
        return
    output.echo(
        f"Closed {visible(close.group)} through {close.through.isoformat()}: nothing dated "
        "then or before can be recorded, edited or deleted now."
    )
