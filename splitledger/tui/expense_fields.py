"""Pure helpers of the expense form: what the user typed → the Ledger's fields, the
"still to assign" line, and which form field an error belongs to (editing a bill:
`expense_edits`; an itemised receipt's lines: `expense_items`). Kept apart from the
widgets so that they are easy to test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from splitledger.domain import (
    DomainError,
    format_amount,
    normalize_currency,
    parse_amount,
    parse_decimal,
)
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import SPLIT_MODES, ExpenseFields
from splitledger.tui.expense_items import (
    ItemRow,
    extra,
    item_lines,
    item_problems,
    receipt_note,
)

SEVERAL = "__several__"
#: Typed in a payer's "Paid" column (with several payers): that payer pays the rest.
REST = "rest"
MODES: tuple[str, ...] = SPLIT_MODES
MODE_HINTS = {
    "equal": "everyone ticked pays the same",
    "exact": "type each person's amount",
    # Each fits the 34 cells left beside the mode at 80 columns, a scrollbar shown.
    "percent": "each person's percentage (sum: 100)",
    "shares": "each person's weight (empty: 1)",
    "adjust": "equal split ± each one's extra",
    "itemised": "receipt lines; tax & tip pro rata",
}
VALUE_PLACEHOLDERS = {"exact": "0.00", "percent": "%", "shares": "1", "adjust": "±0.00"}


@dataclass(frozen=True, slots=True)
class MemberRow:
    name: str
    included: bool
    paid: str
    value: str


@dataclass(frozen=True, slots=True)
class FormInput:
    """The raw text of the form."""

    description: str
    amount: str
    date: str
    category: str
    payer: str  # a member's name or SEVERAL
    mode: str
    rows: tuple[MemberRow, ...]
    #: The bill's currency as typed (empty: the group's).
    currency: str = ""
    #: The itemised mode's receipt: its lines, tax and tip as typed.
    items: tuple[ItemRow, ...] = ()
    tax: str = ""
    tip: str = ""
    #: Free text beside the description (empty: none).
    note: str = ""


def blank_form(members: Sequence[str], currency: str, today: dt.date) -> FormInput:
    """A new expense's form: today, the first member paying, everyone sharing equally,
    in the group's `currency`."""
    return FormInput(
        description="",
        amount="",
        date=today.isoformat(),
        category="",
        payer=members[0],
        mode="equal",
        rows=tuple(MemberRow(m, True, "", "") for m in members),
        currency=currency,
    )


def currency_code(text: str) -> str | None:
    """The currency typed (as typed: the services normalise it and quote it so in
    what they refuse), None when left empty (the group's)."""
    return text.strip() or None


def form_currency(form: FormInput, default: str) -> str:
    """The currency the form's amounts are read in: the one typed if the domain takes
    it, else `default` (the bill's or the group's; the field shows why)."""
    code = currency_code(form.currency)
    if code is None:
        return default
    try:
        return normalize_currency(code)
    except DomainError:
        return default


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"date: {text.strip()!r} is not a date (use YYYY-MM-DD)", field="date"
        ) from None


def to_fields(form: FormInput) -> ExpenseFields:
    """The keyword arguments of `Ledger.preview_expense` / `record_expense` (without
    group and key); raises `InvalidInput` naming the field for what the Ledger would
    not say as plainly."""
    if not form.description.strip():
        raise InvalidInput("description: what was it for?", field="description")
    if not form.amount.strip():
        raise InvalidInput("amount: how much was it?", field="amount")
    date = parse_date(form.date)
    paid_by: tuple[tuple[str, str | None], ...]
    if form.payer == SEVERAL:
        paid_by = tuple(
            (r.name, None if pays_rest(r.paid) else r.paid) for r in form.rows if r.paid.strip()
        )
        if not paid_by:
            raise InvalidInput("paid by: type what each payer paid", field="paid_by")
    else:
        paid_by = ((form.payer, None),)
    fields: ExpenseFields = {
        "description": form.description,
        "amount": form.amount,
        "date": date,
        "category": form.category,
        "paid_by": paid_by,
        "split": form.mode,
        # Always given (empty: none), so that an edit that empties it clears it.
        "note": form.note,
    }
    code = currency_code(form.currency)
    if code is not None:
        fields["currency"] = code
    if form.mode == "itemised":
        fields["items"] = item_lines(form.items)
        fields["tax"] = extra(form.tax)
        fields["tip"] = extra(form.tip)
        return fields
    chosen = [r for r in form.rows if r.included]
    if not chosen:
        raise InvalidInput("participants: tick at least one person", field="participants")
    fields["participants"] = tuple(
        (r.name, None if form.mode == "equal" or not r.value.strip() else r.value) for r in chosen
    )
    return fields


def pays_rest(paid: str) -> bool:
    """A payer's "Paid" text saying that they pay what the others leave."""
    return paid.strip().lower() == REST


def _sum_amounts(values: Sequence[str], currency: str) -> int | None:
    try:
        return sum(
            parse_amount(v, currency, allow_zero=True, allow_negative=True)
            for v in values
            if v.strip() and not pays_rest(v)
        )
    except DomainError:
        return None


def remaining(form: FormInput, currency: str) -> list[str]:
    """What is still unassigned while typing: unpaid total, shares or percentages."""
    notes: list[str] = []
    try:
        total = parse_amount(form.amount, currency)
    except DomainError:
        total = None
    chosen = [r for r in form.rows if r.included]
    rest = any(pays_rest(r.paid) for r in form.rows)
    if form.payer == SEVERAL and total is not None and not rest:
        paid = _sum_amounts([r.paid for r in form.rows], currency)
        if paid is not None and paid != total:
            notes.append(f"payers: {format_amount(total - paid, currency)} {currency} unpaid")
    if form.mode == "exact" and total is not None:
        assigned = _sum_amounts([r.value for r in chosen], currency)
        if assigned is not None and assigned != total:
            left = format_amount(total - assigned, currency)
            notes.append(f"exact: {left} {currency} unassigned")
    if form.mode == "percent":
        try:
            pct = sum(
                (
                    parse_decimal(r.value, field="%", allow_percent=True)
                    for r in chosen
                    if r.value.strip()
                ),
                Decimal(0),
            )
        except DomainError:
            pct = None
        if pct is not None and pct != 100:
            notes.append(f"percent: {Decimal(100) - pct}% unassigned")
    if form.mode == "itemised":
        note = receipt_note(form.amount, form.items, form.tax, form.tip, currency)
        if note:
            notes.append(note)
    return notes


ERROR_SLOTS = (
    "description",
    "amount",
    "currency",
    "date",
    "category",
    "note",
    "paid_by",
    "split",
    "items",
    "form",
)


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """A number typed in the form that cannot be used: the input's id, the error line
    that shows it and the domain's message."""

    input_id: str
    slot: str
    message: str


def _read_value(mode: str, text: str, name: str, currency: str) -> object:
    """A participant's value in split `mode`, read as the services read it."""
    if mode == "exact":
        return parse_amount(text, currency, allow_zero=True, field=f"share of {name}")
    if mode == "percent":
        return parse_decimal(text, field=f"percent of {name}", allow_percent=True)
    if mode == "shares":
        return parse_decimal(text, field=f"shares of {name}")
    return parse_amount(
        text, currency, allow_zero=True, allow_negative=True, field=f"adjust of {name}"
    )


def field_problems(form: FormInput, currency: str) -> list[FieldProblem]:
    """Every amount, percentage or weight typed in the form that the domain refuses,
    each read on its own exactly as recording it would read it (same parser, same field
    name in the message), so that "1e3" or "1 000" is refused as soon as it is typed,
    whatever else is still missing. Empty fields are not problems here."""
    problems: list[FieldProblem] = []
    code = currency_code(form.currency)
    if code is not None:
        try:
            normalize_currency(code)
        except DomainError as exc:
            problems.append(FieldProblem("currency", "currency", f"currency: {exc}"))
            return problems  # amounts are read in the currency: not before it is one
    if form.amount.strip():
        try:
            parse_amount(form.amount, currency)
        except DomainError as exc:
            problems.append(FieldProblem("amount", "amount", str(exc)))
    for index, row in enumerate(form.rows):
        if form.payer == SEVERAL and row.paid.strip() and not pays_rest(row.paid):
            try:
                parse_amount(row.paid, currency, field=f"paid by {row.name}")
            except DomainError as exc:
                problems.append(FieldProblem(f"paid-{index}", "paid_by", str(exc)))
        if form.mode not in {"equal", "itemised"} and row.included and row.value.strip():
            try:
                _read_value(form.mode, row.value, row.name, currency)
            except DomainError as exc:
                problems.append(FieldProblem(f"value-{index}", "split", str(exc)))
    if form.mode == "itemised":
        for item in item_problems(form.items, form.tax, form.tip, currency):
            where = item.field if item.line is None else f"item-amount-{item.line}"
            problems.append(FieldProblem(where, "items", item.message))
    return problems


def error_slot(field: str | None) -> str:
    """Which inline error line shows an error about `field`."""
    if field in {"description", "amount", "currency", "date", "category", "note"}:
        return field
    if field and (field in {"items", "tax", "tip", "receipt"} or field.startswith("item")):
        return "items"
    if field and field.startswith("paid"):
        return "paid_by"
    split_fields = {"participants", "exact", "percent", "shares", "adjust", "split"}
    if field and (field in split_fields or field.split(" ")[0] in split_fields):
        return "split"
    if field and field.split(" ")[0] in {"share", "percent", "shares", "adjust"}:
        return "split"
    return "form"
