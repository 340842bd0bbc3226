"""`expense add|edit|undo`, `payment add`, `tx reverse` and `tx show`: writes print the
recorded transaction, or with `--json` `{"id": …, "postings": [...]}` (plus its other
fields); `expense edit` prints what changed as well."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

from splitledger.cli import output
from splitledger.cli.activity import change_json, change_line
from splitledger.cli.context import json_option, key_option, ledger
from splitledger.cli.params import DATE, ITEM, ITEM_FORM, TXID, assignment, no_such_transaction
from splitledger.domain import visible
from splitledger.services.errors import NotFound
from splitledger.services.inputs import SPLIT_MODES

if TYPE_CHECKING:
    from splitledger.services.views import EditOutcome, TxView

T = TypeVar("T")
Item = tuple[str, str, tuple[str, ...]]

item_option = click.option(
    "--item",
    "items",
    multiple=True,
    type=ITEM,
    metavar=ITEM_FORM,
    help="With --split itemised, repeat for each line of the receipt: its members share "
    "AMOUNT equally. Split at the last ':' and the '=' before it, so DESCRIPTION may hold "
    "'=' and ':'; a member name here may not hold ':' or ','.",
)
tax_option = click.option(
    "--tax",
    metavar="AMOUNT",
    help="With --split itemised: spread over the members in proportion to their items.",
)
tip_option = click.option(
    "--tip",
    metavar="AMOUNT",
    help="With --split itemised: spread like --tax.",
)


def _show(tx: TxView, verb: str, as_json: bool) -> None:
    if as_json:
        output.emit_json(output.tx_json(tx))
        return
    output.echo(f"{verb} {tx.kind} #{tx.id} on {tx.date}: {visible(tx.description)}")
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
@click.option(
    "--paid-by",
    "paid_by",
    multiple=True,
    required=True,
    metavar="M[=AMT]",
    help="Who paid; repeat with =AMT for several payers (one may omit it: the rest).",
)
@click.option(
    "--split",
    type=click.Choice(SPLIT_MODES),
    default="equal",
    show_default=True,
    help="How to share the amount among the --for members (itemised: by --item lines).",
)
@click.option(
    "--for",
    "for_",
    multiple=True,
    metavar="M[=VALUE]",
    help="Who shares it (default: everyone). VALUE: an amount (exact), a percent "
    "(percent), a weight (shares) or a signed amount on top of an equal share (adjust).",
)
@item_option
@tax_option
@tip_option
@click.option("--date", type=DATE, help="Default: today.")
@click.option("--category", default="", help="Free text, e.g. food.")
@click.option("--currency", metavar="CODE", help="Default: the group's currency.")
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
    key: str | None,
    as_json: bool,
) -> None:
    """Record that --paid-by paid AMOUNT for DESCRIPTION in GROUP.

    An itemised receipt (--split itemised) lists its lines with --item instead of --for;
    AMOUNT must equal the items plus --tax and --tip."""
    _check_receipt(split, for_, items, tax, tip)
    if split == "itemised" and not items:
        raise click.UsageError("--split itemised needs at least one --item")
    tx = ledger().record_expense(
        group=group,
        description=description,
        amount=amount,
        currency=currency,
        paid_by=[assignment(p) for p in paid_by],
        split=split,
        participants=[assignment(f) for f in for_],
        items=items,
        tax=tax,
        tip=tip,
        date=date,
        category=category,
        key=key,
    )
    _show(tx, "Recorded", as_json)


def _check_receipt(
    split: str | None,
    for_: tuple[str, ...],
    items: tuple[Item, ...],
    tax: str | None,
    tip: str | None,
) -> None:
    """Refuse, in the options' words, what only goes with --split itemised (or not)."""
    if split == "itemised" and for_:
        raise click.UsageError("--split itemised takes --item lines, not --for")
    if split not in (None, "itemised") and (items or tax is not None or tip is not None):
        raise click.UsageError("--item, --tax and --tip go with --split itemised")


@expense_cmd.command("edit")
@click.argument("tx_id", metavar="TXID", type=TXID)
@click.option("--description", help="A new description.")
@click.option("--amount", help="A new amount (the shares are worked out again).")
@click.option(
    "--paid-by",
    "paid_by",
    multiple=True,
    metavar="M[=AMT]",
    help="New payers, as for 'expense add' (replaces all of them).",
)
@click.option("--split", type=click.Choice(SPLIT_MODES), help="A new split mode.")
@click.option(
    "--for",
    "for_",
    multiple=True,
    metavar="M[=VALUE]",
    help="New participants and values, as for 'expense add' (replaces all of them).",
)
@click.option(
    "--item",
    "items",
    multiple=True,
    type=ITEM,
    metavar=ITEM_FORM,
    help="New receipt lines, as for 'expense add' (replaces all of them).",
)
@click.option("--tax", metavar="AMOUNT", help="A new tax of an itemised receipt.")
@click.option("--tip", metavar="AMOUNT", help="A new tip of an itemised receipt.")
@click.option("--date", type=DATE, help="A new date.")
@click.option("--category", help="A new category ('' for none).")
@click.option("--currency", metavar="CODE", help="A new currency.")
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
    key: str | None,
    as_json: bool,
) -> None:
    """Change expense TXID: the options given replace those fields, the rest of the bill
    is kept as it was entered (an equal split stays equal, a JPY bill stays in JPY).

    The change is recorded as a new version (the old one reversed); with nothing
    different, nothing is recorded."""
    _check_receipt(split, for_, items, tax, tip)
    outcome = _about(
        tx_id,
        lambda: ledger().edit_expense(
            tx_id,
            description=description,
            amount=amount,
            currency=currency,
            paid_by=[assignment(p) for p in paid_by] if paid_by else None,
            split=split,
            participants=[assignment(f) for f in for_] if for_ else None,
            items=items or None,
            tax=tax,
            tip=tip,
            date=date,
            category=category,
            key=key,
        ),
    )
    _show_edit(tx_id, outcome, as_json)


def _show_edit(tx_id: int, outcome: EditOutcome, as_json: bool) -> None:
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
    key: str | None,
    as_json: bool,
) -> None:
    """Record that FROM paid AMOUNT to TO (FROM's debt shrinks)."""
    tx = ledger().record_payment(
        group=group,
        payer=payer,
        payee=payee,
        amount=amount,
        currency=currency,
        date=date,
        description=description,
        key=key,
    )
    _show(tx, "Recorded", as_json)


@click.group("tx")
def tx_cmd() -> None:
    """Inspect and undo transactions."""


@tx_cmd.command("reverse")
@click.argument("tx_id", metavar="TXID", type=TXID)
@click.option("--date", type=DATE, help="Default: today.")
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
