"""`rate add|import|list` and `convert`: exchange rates and conversions on the ledger
(docs/adr/0007). Conversions are recorded transactions; nothing converts silently."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.cli.params import DATE
from splitledger.domain import visible

if TYPE_CHECKING:
    from splitledger.services.views import RateView


def _rate_json(rate: RateView) -> dict[str, str]:
    return {
        "date": rate.date.isoformat(),
        "base": rate.base,
        "quote": rate.quote,
        "rate": rate.rate,
    }


@click.group("rate")
def rate_cmd() -> None:
    """Exchange rates of a group (1 BASE = RATE QUOTE from a date on)."""


@rate_cmd.command("add")
@click.argument("group")
@click.argument("base")
@click.argument("quote")
@click.argument("rate")
@click.option("--date", type=DATE, help="From this day on. Default: today.")
@key_option
@json_option
def rate_add(
    group: str,
    base: str,
    quote: str,
    rate: str,
    date: dt.date | None,
    key: str | None,
    as_json: bool,
) -> None:
    """Record that 1 BASE = RATE QUOTE in GROUP from --date on.

    For example `rate add Trip EUR USD 1.08`."""
    added = ledger().add_rate(group, base, quote, rate, date=date, key=key)
    if as_json:
        output.emit_json(_rate_json(added))
        return
    output.echo(f"{added.date}: 1 {added.base} = {added.rate} {added.quote}")


@rate_cmd.command("import")
@click.argument("group")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def rate_import(group: str, file: Path) -> None:
    """Record the rates of a CSV file with the header date,base,quote,rate (all or none)."""
    added, known = ledger().import_rates_file(group, str(file))
    already = "was" if known == 1 else "were"
    output.echo(
        f"Recorded {output.count(added, 'rate')} from {visible(str(file))} "
        f"({known} {already} already there)."
    )


@rate_cmd.command("list")
@click.argument("group")
@json_option
def rate_list(group: str, as_json: bool) -> None:
    """The rates of GROUP, oldest first."""
    rates = ledger().rates(group)
    if as_json:
        output.emit_json(
            {"group": ledger().group(group).name, "rates": [_rate_json(r) for r in rates]}
        )
        return
    if not rates:
        output.echo(f"{visible(group)}: no rates yet (add one with `splitledger rate add`).")
        return
    output.echo(
        output.table(
            [[str(r.date), f"1 {r.base}", "=", r.rate, r.quote] for r in rates],
            right=frozenset({3}),
        )
    )


@click.command("convert")
@click.argument("group")
@click.option("--member", metavar="NAME", help="Convert only this member's balances.")
@click.option("--to", "to", metavar="CODE", help="Target currency. Default: the group's.")
@click.option("--date", type=DATE, help="Use the rates of this day. Default: today.")
@key_option
@json_option
def convert_cmd(
    group: str,
    member: str | None,
    to: str | None,
    date: dt.date | None,
    key: str | None,
    as_json: bool,
) -> None:
    """Convert balances in other currencies into one currency, as ledger entries."""
    views = ledger().convert(group, to=to, member=member, date=date, key=key)
    if as_json:
        output.emit_json({"transactions": [output.tx_json(v) for v in views]})
        return
    for view in views:
        output.echo(f"Recorded conversion #{view.id}: {visible(view.description)}")
