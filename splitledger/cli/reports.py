"""`balances`, `settle`, `history` and `verify`.

The CSV writers (interop) are imported only when --csv asks for a file: a read prints
JSON or text without them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, key_option, ledger, read_ledger
from splitledger.cli.params import DATE, TXID, CountType
from splitledger.domain import TxKind, visible

if TYPE_CHECKING:
    from splitledger.domain import Transfer
    from splitledger.interop.records import TxRecord
    from splitledger.services.views import TxView

csv_option = click.option(
    "--csv", "csv_file", metavar="FILE", help="Also write a CSV file ('-' for stdout)."
)


as_of_option = click.option(
    "--as-of",
    "as_of",
    type=DATE,
    help="As of this date: every transaction dated on or before it (a deletion "
    "counts from the date it is dated).",
)


@click.command("balances")
@click.argument("group")
@json_option
@csv_option
@as_of_option
def balances_cmd(group: str, as_json: bool, csv_file: str | None, as_of: dt.date | None) -> None:
    """Each member's balance in GROUP.

    > 0: the group owes the member; < 0: the member owes. With --as-of DATE, the
    balances then: before the group's first transaction all zero, after its last
    today's."""
    view = read_ledger().balances(group, as_of=as_of)
    if csv_file:
        from splitledger.interop import tables

        with output.output_file(csv_file) as out:
            tables.write_balances(out, ((b.member, b.currency, b.minor) for b in view.balances))
        if csv_file == "-":
            return
    if as_json:
        data = output.balances_json(view)
        if as_of is not None:
            data["as_of"] = as_of.isoformat()
        output.emit_json(data)
        return
    when = "" if as_of is None else f" as of {as_of}"
    output.echo(f"{visible(view.group)} ({view.currency}){when}")
    rows = [
        [
            b.member,
            output.signed(b.minor, b.currency),
            "is owed" if b.minor > 0 else "owes" if b.minor < 0 else "settled",
        ]
        for b in view.balances
    ]
    output.echo(output.table(rows, right=frozenset({1})))


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
    "rates), then settle in CODE alone: one write, all or nothing.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --in: show what would be converted (and, with --record, paid); record nothing.",
)
@key_option
@as_of_option
def settle_cmd(
    group: str,
    as_json: bool,
    csv_file: str | None,
    record: bool,
    in_currency: str | None,
    dry_run: bool,
    key: str | None,
    as_of: dt.date | None,
) -> None:
    """The fewest transfers that settle GROUP, per currency.

    With --in CODE, balances in other currencies are converted into CODE first (the
    conversions are recorded), in the same write as the payments. With --record, each
    transfer is recorded as a payment. With --as-of DATE, the transfers that settled
    the balances of that date: a plan to read, never recorded."""
    if as_of is not None and (record or in_currency is not None or dry_run):
        raise click.UsageError(
            "--as-of plans from the balances of a past date, to read: it cannot be "
            "recorded or settled --in a currency (settle without --as-of for today's plan)"
        )
    if in_currency is not None:
        _settle_in(group, in_currency, as_json, csv_file, record, dry_run, key)
        return
    if dry_run:
        raise click.UsageError("--dry-run goes with --in CODE")
    book = read_ledger()
    planned = book.settle_up(group, as_of=as_of)
    plan, name = list(planned.transfers), planned.group
    if record and key is not None:  # a retry answers with what the first run recorded
        plan = book.settlement_under(name, key) or plan
    _write_plan_csv(csv_file, plan)
    # Recorded only if the balances are still those the plan settles (else exit 2:
    # another write came in between, and the message gives the plan now).
    recorded = (
        book.record_settlement(name, plan, expected=planned.basis, key=key)
        if record and plan
        else []
    )
    if csv_file == "-":
        return
    if as_json:
        data: dict[str, object] = {
            "group": name,
            "transfers": [output.transfer_json(t) for t in plan],
        }
        if record:
            data["recorded"] = [tx.id for tx in recorded]
        if as_of is not None:
            data["as_of"] = as_of.isoformat()
        output.emit_json(data)
        return
    if as_of is not None:
        output.echo(f"As of {as_of} (a plan to read, not recorded):")
    _show_plan(name, plan)
    if recorded:
        ids = ", ".join(f"#{t.id}" for t in recorded)
        output.echo(f"Recorded {output.count(len(recorded), 'payment')}: {ids}")


def _settle_in(
    group: str,
    currency: str,
    as_json: bool,
    csv_file: str | None,
    record: bool,
    dry_run: bool,
    key: str | None,
) -> None:
    """`settle --in`: one use case (`Ledger.settle_in`) converts, plans and records in
    one transaction under one key, so a failure leaves nothing half done."""
    done = ledger().settle_in(group, currency, record=record, key=key, dry_run=dry_run)
    plan = list(done.plan.transfers)
    _write_plan_csv(csv_file, plan)
    if csv_file == "-":
        return
    if as_json:
        data: dict[str, object] = {
            "group": done.group,
            "currency": done.currency,
            "transfers": [output.transfer_json(t) for t in plan],
        }
        if dry_run:  # ids of writes rolled back would mislead: the entries themselves
            data["dry_run"] = True
            data["conversions"] = [_unrecorded_json(tx) for tx in done.conversions]
            if record:
                data["payments"] = [_unrecorded_json(tx) for tx in done.payments]
        else:
            data["converted"] = [tx.id for tx in done.conversions]
            if record:
                data["recorded"] = [tx.id for tx in done.payments]
        output.emit_json(data)
        return
    for tx in done.conversions:
        if dry_run:
            output.echo(f"Would record conversion: {visible(tx.description)}")
        else:
            output.echo(f"Recorded conversion #{tx.id}: {visible(tx.description)}")
    _show_plan(done.group, plan)
    if dry_run:
        if record and done.payments:
            output.echo(f"Would record {output.count(len(done.payments), 'payment')}.")
        output.echo("Dry run: nothing was recorded.")
    elif done.payments:
        ids = ", ".join(f"#{t.id}" for t in done.payments)
        output.echo(f"Recorded {output.count(len(done.payments), 'payment')}: {ids}")


def _unrecorded_json(tx: TxView) -> dict[str, object]:
    """A transaction a dry run would record: as `tx_json` without the id and the key,
    which belong to a write that was rolled back."""
    data = output.tx_json(tx)
    for field in ("id", "key", "reverses", "replaces", "reversed_by"):
        del data[field]
    return data


def _write_plan_csv(csv_file: str | None, plan: list[Transfer]) -> None:
    if csv_file:
        from splitledger.interop import tables

        with output.output_file(csv_file) as out:
            tables.write_settle(out, plan)


def _show_plan(group: str, plan: list[Transfer]) -> None:
    if not plan:
        output.echo(f"{visible(group)}: everyone is settled up.")
        return
    for t in plan:
        money = f"{output.amount(t.minor, t.currency)} {t.currency}"
        output.echo(f"{visible(t.payer)} pays {visible(t.payee)} {money}")


def _records(txs: list[TxView]) -> list[TxRecord]:
    from splitledger.services.interchange import tx_record

    return [tx_record(tx, {}) for tx in txs]


@click.command("history")
@click.argument("group")
@json_option
@csv_option
@click.option(
    "--limit",
    type=CountType(1, 10_000),
    default=50,
    show_default=True,
    help="At most N transactions (1 to 10000).",
)
@click.option(
    "--before",
    "before_id",
    type=TXID,
    help="Continue after transaction TXID: the older ones (as --json's `before` says).",
)
@click.option("--text", help="Only descriptions or categories containing TEXT (as written).")
@click.option("--note", help="Only transactions whose note contains NOTE (as written).")
@click.option("--member", metavar="NAME", help="Only transactions touching member NAME.")
@click.option("--category", help="Only this category.")
@click.option("--kind", type=click.Choice([k.value for k in TxKind]))
@click.option("--from", "date_from", type=DATE, help="On or after this date.")
@click.option("--to", "date_to", type=DATE, help="On or before this date.")
def history_cmd(
    group: str,
    as_json: bool,
    csv_file: str | None,
    limit: int,
    before_id: int | None,
    text: str | None,
    member: str | None,
    category: str | None,
    kind: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    note: str | None,
) -> None:
    """GROUP's transactions, newest first, --limit at a time.

    When more transactions match, --json says so (`"more": true` and `"before": ID`),
    and the text output ends with a note on stderr; --before ID gives the next ones."""
    book = read_ledger()
    page = book.history_page(
        group,
        limit=limit,
        before_id=before_id,
        text=text,
        member=member,
        category=category,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        note=note,
    )
    txs = list(page.transactions)
    cursor = txs[-1].id if page.more else None
    as_data = as_json and csv_file != "-"  # JSON on stdout (unless the CSV is there)
    if csv_file:
        from splitledger.interop import tables

        with output.output_file(csv_file) as out:
            tables.write_history(out, _records(txs))
    if as_data:
        name = book.group(group).name
        output.emit_json(
            {
                "group": name,
                "transactions": [output.tx_json(t) for t in txs],
                "more": page.more,
                "before": cursor,
            }
        )
    elif csv_file != "-":
        if not txs:
            output.echo("No transactions.")
        for tx in txs:
            output.echo(output.tx_line(tx))
    if cursor is not None and not as_data:
        output.note(f"More transactions match: continue with --before {cursor}.")


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
        output.echo(
            f"OK: {output.count(report.transactions_checked, 'transaction')} and "
            f"{output.count(report.postings_checked, 'posting')} check out."
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
            output.echo(f"{p.code}: {where + ': ' if where else ''}{visible(p.message)}")
        output.echo(f"{output.count(len(report.problems), 'problem')} found.", err=True)
    if not report.ok:
        from splitledger.cli.errors import FAILED

        raise click.exceptions.Exit(FAILED)
