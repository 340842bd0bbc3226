"""`balances`, `settle`, `history` and `verify`."""

from __future__ import annotations

import datetime as dt

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.cli.errors import FAILED
from splitledger.cli.params import DATE
from splitledger.domain import TxKind
from splitledger.interop import tables
from splitledger.interop.records import TxRecord
from splitledger.services.interchange import tx_record
from splitledger.services.views import TxView

csv_option = click.option(
    "--csv", "csv_file", metavar="FILE", help="Also write a CSV file ('-' for stdout)."
)


@click.command("balances")
@click.argument("group")
@json_option
@csv_option
def balances_cmd(group: str, as_json: bool, csv_file: str | None) -> None:
    """Each member's balance in GROUP.

    > 0: the group owes the member; < 0: the member owes."""
    view = ledger().balances(group)
    if csv_file:
        with output.output_file(csv_file) as out:
            tables.write_balances(out, ((b.member, b.currency, b.minor) for b in view.balances))
        if csv_file == "-":
            return
    if as_json:
        output.emit_json(output.balances_json(view))
        return
    click.echo(f"{view.group} ({view.currency})")
    rows = [
        [
            b.member,
            output.signed(b.minor, b.currency),
            "is owed" if b.minor > 0 else "owes" if b.minor < 0 else "settled",
        ]
        for b in view.balances
    ]
    click.echo(output.table(rows, right=frozenset({1})))


@click.command("settle")
@click.argument("group")
@json_option
@csv_option
@click.option("--record", is_flag=True, help="Record the transfers as payments.")
@click.option(
    "--in",
    "in_currency",
    metavar="CODE",
    help="First convert every other currency into CODE (recorded on the ledger at today's "
    "rates), then settle in CODE alone.",
)
@key_option
def settle_cmd(
    group: str,
    as_json: bool,
    csv_file: str | None,
    record: bool,
    in_currency: str | None,
    key: str | None,
) -> None:
    """The fewest transfers that settle GROUP, per currency.

    With --in CODE, balances in other currencies are converted into CODE first (the
    conversions are recorded). With --record, each transfer is recorded as a payment."""
    book = ledger()
    if in_currency:
        foreign = {b.currency for b in book.balances(group).balances if b.minor}
        if foreign - {in_currency.strip().upper()}:
            conv_key = f"{key}:convert" if key else None
            for view in book.convert(group, to=in_currency, key=conv_key):
                if not as_json and csv_file != "-":
                    click.echo(f"Recorded conversion #{view.id}: {view.description}")
    plan = book.settle_plan(group)
    name = book.group(group).name
    if csv_file:
        with output.output_file(csv_file) as out:
            tables.write_settle(out, plan)
    recorded = book.record_settlement(name, plan, key=key) if record and plan else []
    if csv_file == "-":
        return
    if as_json:
        data: dict[str, object] = {
            "group": name,
            "transfers": [output.transfer_json(t) for t in plan],
        }
        if record:
            data["recorded"] = [tx.id for tx in recorded]
        output.emit_json(data)
        return
    if not plan:
        click.echo(f"{name}: everyone is settled up.")
        return
    for t in plan:
        click.echo(f"{t.payer} pays {t.payee} {output.amount(t.minor, t.currency)} {t.currency}")
    if recorded:
        click.echo(f"Recorded {len(recorded)} payments: " + ", ".join(f"#{t.id}" for t in recorded))


def _records(txs: list[TxView]) -> list[TxRecord]:
    return [tx_record(tx, {}) for tx in txs]


@click.command("history")
@click.argument("group")
@json_option
@csv_option
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--text", help="Only descriptions or categories containing TEXT.")
@click.option("--member", help="Only transactions touching MEMBER.")
@click.option("--category", help="Only this category.")
@click.option("--kind", type=click.Choice([k.value for k in TxKind]))
@click.option("--from", "date_from", type=DATE, help="On or after this date.")
@click.option("--to", "date_to", type=DATE, help="On or before this date.")
def history_cmd(
    group: str,
    as_json: bool,
    csv_file: str | None,
    limit: int,
    text: str | None,
    member: str | None,
    category: str | None,
    kind: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> None:
    """GROUP's transactions, newest first."""
    book = ledger()
    txs = book.history(
        group,
        limit=limit,
        text=text,
        member=member,
        category=category,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
    )
    if csv_file:
        with output.output_file(csv_file) as out:
            tables.write_history(out, _records(txs))
        if csv_file == "-":
            return
    if as_json:
        name = book.group(group).name
        output.emit_json({"group": name, "transactions": [output.tx_json(t) for t in txs]})
        return
    if not txs:
        click.echo("No transactions.")
    for tx in txs:
        click.echo(output.tx_line(tx))


@click.command("verify")
@json_option
def verify_cmd(as_json: bool) -> None:
    """Check the whole ledger; exit 1 on any problem.

    Postings sum to zero, balances equal their postings, reversals negate exactly, and
    every group's hash chain recomputes."""
    report = ledger().verify()
    if as_json:
        output.emit_json(
            {
                "ok": report.ok,
                "problems": [
                    {
                        "code": p.code,
                        "message": p.message,
                        "transaction": p.transaction_id,
                        "group": p.group,
                    }
                    for p in report.problems
                ],
                "transactions_checked": report.transactions_checked,
                "postings_checked": report.postings_checked,
            }
        )
    elif report.ok:
        click.echo(
            f"OK: {report.transactions_checked} transactions and "
            f"{report.postings_checked} postings check out."
        )
    else:
        for p in report.problems:
            where = " ".join(
                x
                for x in (
                    f"group {p.group!r}" if p.group else "",
                    f"transaction #{p.transaction_id}" if p.transaction_id else "",
                )
                if x
            )
            click.echo(f"{p.code}: {where + ': ' if where else ''}{p.message}")
        click.echo(f"{len(report.problems)} problems found.", err=True)
    if not report.ok:
        raise click.exceptions.Exit(FAILED)
