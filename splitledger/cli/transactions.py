"""`expense add|edit|undo`, `payment add`, `tx reverse` and `tx show`: writes print the
recorded transaction (its note, if any, on a line of its own), or with `--json`
`{"id": …, "postings": [...]}` (plus its other fields); `expense edit` prints what
changed as well."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from splitledger.cli import output
from splitledger.cli.bill_options import (
    Item,
    bill_changes,
    bill_options,
    category_change,
    category_option,
    changed_split,
    currency_change,
    currency_option,
    new_split,
    note_change,
    note_option,
)
from splitledger.cli.context import entry_ledger, json_option, key_option, ledger
from splitledger.cli.params import DATE, TXID, no_such_transaction
from splitledger.domain import visible
from splitledger.services.errors import NotFound

if TYPE_CHECKING:
    from splitledger.services.views import EditOutcome, TxView

T = TypeVar("T")


def _show(tx: TxView, verb: str, as_json: bool) -> None:
    if as_json:
        output.emit_json(output.tx_json(tx))
        return
    output.echo(f"{verb} {tx.kind} #{tx.id} on {tx.date}: {visible(tx.description)}")
    if tx.note:
        output.echo(f"  note: {visible(tx.note)}")
    rows = [[p.member, output.signed(p.minor, p.currency)] for p in tx.postings]
    output.echo(output.table(rows, right=frozenset({1})))


def _about(tx_id: int, call: Callable[[], T]) -> T:
    """`call()`, where a missing transaction is said in the CLI's words."""
    try:
        return call()
    except NotFound as exc:
        if exc.field != "tx":
            raise
        raise NotFound(no_such_transaction(tx_id), field="tx") from None


@click.group("expense")
def expense_cmd() -> None:
    """Record expenses."""


@expense_cmd.command("add")
@click.argument("group")
@click.argument("description")
@click.argument("amount")
@bill_options
@click.option("--date", type=DATE, help="Default: today.")
@category_option
@currency_option
@note_option
@key_option
@json_option
def expense_add(
    group: str,
    description: str,
    amount: str,
    paid_by: tuple[str, ...],
    split: str,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
    date: dt.date | None,
    category: str,
    currency: str | None,
    note: str,
    key: str | None,
    as_json: bool,
) -> None:
    """Record that --paid-by paid AMOUNT for DESCRIPTION in GROUP.

    An itemised receipt (--split itemised) lists its lines with --item instead of --for;
    AMOUNT must equal the items plus --tax and --tip."""
    bill = new_split(paid_by, split, for_, items, tax, tip)
    tx = entry_ledger().record_expense(
        group=group,
        description=description,
        amount=amount,
        currency=currency,
        **bill,
        date=date,
        category=category,
        note=note,
        key=key,
    )
    _show(tx, "Recorded", as_json)


@expense_cmd.command("edit")
@click.argument("tx_id", metavar="TXID", type=TXID)
@click.option("--description", help="A new description.")
@click.option("--amount", help="A new amount (the shares are worked out again).")
@bill_changes
@click.option("--date", type=DATE, help="A new date.")
@category_change
@currency_change
@note_change
@key_option
@json_option
def expense_edit(
    tx_id: int,
    description: str | None,
    amount: str | None,
    paid_by: tuple[str, ...],
    split: str | None,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
    date: dt.date | None,
    category: str | None,
    currency: str | None,
    note: str | None,
    key: str | None,
    as_json: bool,
) -> None:
    """Change expense TXID: the options given replace those fields, the rest of the bill
    is kept as it was entered (an equal split stays equal, a JPY bill stays in JPY).

    The change is recorded as a new version (the old one reversed); with nothing
    different, nothing is recorded."""
    change = changed_split(paid_by, split, for_, items, tax, tip)
    outcome = _about(
        tx_id,
        lambda: ledger().edit_expense(
            tx_id,
            description=description,
            amount=amount,
            currency=currency,
            **change,
            date=date,
            category=category,
            note=note,
            key=key,
        ),
    )
    _show_edit(tx_id, outcome, as_json)


def _show_edit(tx_id: int, outcome: EditOutcome, as_json: bool) -> None:
    from splitledger.cli.activity import change_json, change_line

    if as_json:
        output.emit_json(
            {
                "tx": None if outcome.tx is None else output.tx_json(outcome.tx),
                "changes": [change_json(c) for c in outcome.changes],
            }
        )
        return
    if outcome.tx is None:
        output.echo("Nothing changed; nothing recorded.")
        return
    tx = outcome.tx
    output.echo(f"Edited expense #{tx_id}: now #{tx.id} on {tx.date}: {visible(tx.description)}")
    for change in outcome.changes:
        output.echo(change_line(change))
    rows = [[p.member, output.signed(p.minor, p.currency)] for p in tx.postings]
    output.echo(output.table(rows, right=frozenset({1})))


@expense_cmd.command("undo")
@click.argument("tx_id", metavar="TXID", type=TXID)
@key_option
@json_option
def expense_undo(tx_id: int, key: str | None, as_json: bool) -> None:
    """Undo the deletion of expense TXID (or of its reversal TXID), or the edit that
    made TXID, the current version of its bill. Each change undoes once."""
    tx = _about(tx_id, lambda: ledger().undo(tx_id, key=key))
    if not as_json:
        output.echo(f"Undone: expense #{tx.id} replaces #{tx.replaces_id}.")
    _show(tx, "Recorded", as_json)


@click.group("payment")
def payment_cmd() -> None:
    """Record repayments between members."""


@payment_cmd.command("add")
@click.argument("group")
@click.argument("payer", metavar="FROM")
@click.argument("payee", metavar="TO")
@click.argument("amount")
@click.option("--date", type=DATE, help="Default: today.")
@click.option("--description", default="", help="Default: 'FROM paid TO'.")
@click.option("--currency", metavar="CODE", help="Default: the group's currency.")
@note_option
@key_option
@json_option
def payment_add(
    group: str,
    payer: str,
    payee: str,
    amount: str,
    date: dt.date | None,
    description: str,
    currency: str | None,
    note: str,
    key: str | None,
    as_json: bool,
) -> None:
    """Record that FROM paid AMOUNT to TO (FROM's debt shrinks)."""
    tx = entry_ledger().record_payment(
        group=group,
        payer=payer,
        payee=payee,
        amount=amount,
        currency=currency,
        date=date,
        description=description,
        note=note,
        key=key,
    )
    _show(tx, "Recorded", as_json)


@click.group("tx")
def tx_cmd() -> None:
    """Inspect and undo transactions."""


@tx_cmd.command("reverse")
@click.argument("tx_id", metavar="TXID", type=TXID)
@click.option(
    "--date",
    type=DATE,
    help="Cancelled from this day on (never before TXID's own day). Default: TXID's own "
    "day, so that as of any date it is as if it never was.",
)
@key_option
@json_option
def tx_reverse(tx_id: int, date: dt.date | None, key: str | None, as_json: bool) -> None:
    """Undo transaction TXID by recording its exact negation."""
    tx = _about(tx_id, lambda: ledger().reverse(tx_id, key=key, date=date))
    _show(tx, "Recorded", as_json)


@tx_cmd.command("show")
@click.argument("tx_id", metavar="TXID", type=TXID)
@json_option
def tx_show(tx_id: int, as_json: bool) -> None:
    """Show transaction TXID with its audit trail."""
    detail = _about(tx_id, lambda: ledger().transaction(tx_id))
    if as_json:
        data = output.tx_json(detail.tx)
        data["group"] = detail.tx.group
        data["audit"] = [
            {"at": a.at.isoformat(), "actor": a.actor, "action": a.action} for a in detail.audit
        ]
        output.emit_json(data)
        return
    _show(detail.tx, "Group " + repr(detail.tx.group) + ":", False)
    for a in detail.audit:
        output.echo(f"  {a.at:%Y-%m-%d %H:%M:%S}  {visible(a.actor)}  {visible(a.action)}")
