"""`report`: what a group spent per category, month or member, who paid and who consumed
it, and how that and the payments make each member's balance (`Ledger.spending_report`).

Text for people, `--json` for scripts (money as exact decimal strings in the row's
currency, as every command prints it), `--csv` one row per bucket and member (no totals
or spent column that a pivot table would count twice). The CSV writer (interop) is
imported only when a CSV is asked for."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, ledger
from splitledger.cli.params import DATE
from splitledger.domain import visible

if TYPE_CHECKING:
    from splitledger.services.views import MemberFlow, ReportBucket, SpendingReport

#: `views.REPORT_BYS`, spelt out so that loading this module imports no service
#: (tests/cli/test_report_cli.py keeps the two equal).
BYS = ("category", "month", "member", "category,month", "member,month")
#: How a bucket without a category is shown to people (JSON and CSV keep '').
NO_CATEGORY = "(none)"


@click.command("report")
@click.argument("group")
@click.option(
    "--by",
    type=click.Choice(BYS),
    default="category",
    show_default=True,
    help="Bucket by category, month (YYYY-MM), member, or two of them.",
)
@click.option("--from", "date_from", type=DATE, help="Bills dated on or after this date.")
@click.option("--to", "date_to", type=DATE, help="Bills dated on or before this date.")
@click.option("--currency", metavar="CODE", help="Only bills in this currency.")
@json_option
@click.option("--csv", "csv_file", metavar="FILE", help="Also write a CSV file ('-' for stdout).")
def report_cmd(
    group: str,
    by: str,
    date_from: dt.date | None,
    date_to: dt.date | None,
    currency: str | None,
    as_json: bool,
    csv_file: str | None,
) -> None:
    """What GROUP spent, per bucket: the bills' totals, and what each member paid and
    consumed (their shares).

    Expenses only: payments and conversions are not spending, and deleted bills (and
    the versions an edit replaced) are left out. The buckets add up to the totals, and
    each member's opening balance + paid - consumed + payments and conversions gives
    their balance at --to (`balances --as-of`), as the last table shows."""
    report = ledger().spending_report(
        group, by=by, date_from=date_from, date_to=date_to, currency=currency
    )
    if csv_file:
        _write_csv(csv_file, report)
        if csv_file == "-":
            return
    if as_json:
        output.emit_json(report_json(report))
        return
    _show(report)


def _money(minor: int, currency: str) -> str:
    return output.amount(minor, currency)


def _key_json(report: SpendingReport, bucket: ReportBucket) -> dict[str, Any]:
    """A bucket's key by name (`{"category": "Food"}`); nothing for a total."""
    return dict(zip(report.by, bucket.key, strict=True)) if bucket.key else {}


def _bucket_json(report: SpendingReport, bucket: ReportBucket) -> dict[str, Any]:
    c = bucket.currency
    return {
        **_key_json(report, bucket),
        "currency": c,
        "spent": _money(bucket.spent, c),
        "members": [
            {"member": m.member, "paid": _money(m.paid, c), "consumed": _money(m.consumed, c)}
            for m in bucket.members
        ],
    }


def _flow_json(flow: MemberFlow) -> dict[str, Any]:
    c = flow.currency
    return {
        "member": flow.member,
        "currency": c,
        "opening": _money(flow.opening, c),
        "paid": _money(flow.paid, c),
        "consumed": _money(flow.consumed, c),
        "transfers": _money(flow.transfers, c),
        "reversals_apart": _money(flow.reversals_apart, c),
        "closing": _money(flow.closing, c),
    }


def report_json(report: SpendingReport) -> dict[str, Any]:
    """The report as `--json` prints it."""
    return {
        "group": report.group,
        "by": list(report.by),
        "from": None if report.date_from is None else report.date_from.isoformat(),
        "to": None if report.date_to is None else report.date_to.isoformat(),
        "currency": report.currency,
        "buckets": [_bucket_json(report, b) for b in report.buckets],
        "totals": [_bucket_json(report, t) for t in report.totals],
        "members": [_flow_json(f) for f in report.members],
    }


def _write_csv(target: str, report: SpendingReport) -> None:
    from splitledger.domain.money import to_decimal
    from splitledger.interop.csv_safe import Cell, write_csv

    dims = list(report.by)
    header = [*dims, "currency", *([] if "member" in dims else ["member"]), "paid", "consumed"]
    rows: list[list[Cell]] = []
    for bucket in report.buckets:
        c = bucket.currency
        for m in bucket.members:
            who: list[Cell] = [] if "member" in dims else [m.member]
            money: list[Cell] = [to_decimal(m.paid, c), to_decimal(m.consumed, c)]
            rows.append([*bucket.key, c, *who, *money])
    with output.output_file(target) as out:
        write_csv(out, header, rows)


def _period(report: SpendingReport) -> str:
    start, end = report.date_from, report.date_to
    if start is None and end is None:
        return "all dates"
    if start is None:
        return f"through {end}"
    if end is None:
        return f"from {start}"
    return f"{start} to {end}"


def _cell(name: str, value: str) -> str:
    return NO_CATEGORY if name == "category" and not value else value


def _show(report: SpendingReport) -> None:
    only = f" in {report.currency}" if report.currency else ""
    output.echo(
        f"{visible(report.group)}: spending by {' and '.join(report.by)}, {_period(report)}{only}"
    )
    if not report.buckets:
        output.echo("No spending in this period.")
    else:
        output.echo(_buckets_table(report))
    if report.members:
        output.echo()
        output.echo(_flows_table(report))


def _buckets_table(report: SpendingReport) -> str:
    dims = list(report.by)
    per_member = "member" not in dims
    # A member's bucket: what they paid (its bills' totals) and consumed.
    head = [*dims, "currency", "spent", "member", "paid", "consumed"]
    if not per_member:
        head = [*dims, "currency", "paid", "consumed"]
    rows = [head]
    for bucket in [*report.buckets, *report.totals]:
        c = bucket.currency
        key = (
            [_cell(n, v) for n, v in zip(dims, bucket.key, strict=True)]
            if bucket.key
            else ["Total", *[""] * (len(dims) - 1)]
        )
        first = [*key, c, _money(bucket.spent, c)]
        if not per_member:
            rows.append([*first, _money(bucket.consumed, c)])
            continue
        for i, m in enumerate(bucket.members):
            lead = first if i == 0 else [""] * len(first)
            rows.append([*lead, m.member, _money(m.paid, c), _money(m.consumed, c)])
    money = len(dims) + 1
    right = {money, len(head) - 1, len(head) - 2} if per_member else {money, money + 1}
    return output.table(rows, right=frozenset(right))


def _flows_table(report: SpendingReport) -> str:
    """opening + paid - consumed + payments (+ bills deleted across the period's edge)
    = the balance at the end, per member and currency."""
    apart = any(f.reversals_apart for f in report.members)
    end = f"as of {report.date_to}" if report.date_to else "now"
    head = ["member", "currency", "opening", "paid", "consumed", "payments"]
    head += ["undone across edge"] if apart else []
    head += [f"balance {end}"]
    rows = [head]
    for f in report.members:
        c = f.currency
        row = [f.member, c, *(_money(v, c) for v in (f.opening, f.paid, f.consumed, f.transfers))]
        row += [_money(f.reversals_apart, c)] if apart else []
        rows.append([*row, _money(f.closing, c)])
    extra = " + undone across edge" if apart else ""
    lines = [f"Balances: opening + paid - consumed + payments{extra} = balance {end}"]
    lines.append(output.table(rows, right=frozenset(range(2, len(head)))))
    lines.append("(payments: payments and conversions dated in the period)")
    if apart:
        lines.append(
            "(undone across edge: bills deleted or edited on a date on the other side of "
            "the period's edge; a report drops such a bill on its own date, a balance on "
            "the date of the change)"
        )
    return "\n".join(lines)
