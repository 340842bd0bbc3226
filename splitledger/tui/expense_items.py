"""The itemised mode of the expense form, pure: the receipt's lines as typed → the
services' `items`, `tax` and `tip`; what is still to assign; each line's number the
domain refuses; a stored receipt back into lines. Kept apart from the widgets
(`widgets.receipt_editor`) so that it is easy to test, and so that the preview and the
save build their request with the very same function."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from splitledger.domain import DomainError, format_amount, parse_amount
from splitledger.services.errors import InvalidInput
from splitledger.services.views import Receipt


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One line of a receipt as typed: what it was, its amount, who shares it."""

    description: str
    amount: str
    members: tuple[str, ...]

    @property
    def blank(self) -> bool:
        """Nothing typed: a line left empty is not part of the receipt."""
        return not self.description.strip() and not self.amount.strip()


#: (description, amount as typed, members): a receipt's line as the services take it.
ItemLine = tuple[str, str, tuple[str, ...]]


def item_lines(items: Sequence[ItemRow]) -> tuple[ItemLine, ...]:
    """The receipt's lines for `record_expense(items=...)`: blank lines left out, each
    other line complete; raises `InvalidInput` (field "items") naming the line (its
    number as the editor shows it) and what it lacks."""
    lines: list[ItemLine] = []
    for number, row in enumerate(items, start=1):
        if row.blank:
            continue
        if not row.description.strip():
            raise InvalidInput(f"item {number}: what was it?", field="items")
        if not row.amount.strip():
            raise InvalidInput(f"item {number}: how much was it?", field="items")
        if not row.members:
            raise InvalidInput(f"item {number}: tick who shares it", field="items")
        lines.append((row.description, row.amount, row.members))
    if not lines:
        raise InvalidInput("items: type the receipt's first line", field="items")
    return tuple(lines)


def extra(text: str) -> str | None:
    """Tax or tip as the services take it: None when left empty (none)."""
    return text if text.strip() else None


def _minor(text: str, currency: str) -> int | None:
    """`text` in minor units (empty: 0), None when it cannot be read."""
    if not text.strip():
        return 0
    try:
        return parse_amount(text, currency, allow_zero=True)
    except DomainError:
        return None


def receipt_total(items: Sequence[ItemRow], tax: str, tip: str, currency: str) -> int | None:
    """Lines + tax + tip in minor units (None while one of them cannot be read)."""
    parts = [_minor(r.amount, currency) for r in items if not r.blank]
    parts += [_minor(tax, currency), _minor(tip, currency)]
    if any(p is None for p in parts):
        return None
    return sum(p for p in parts if p is not None)


def receipt_left(
    amount: str, items: Sequence[ItemRow], tax: str, tip: str, currency: str
) -> int | None:
    """The amount minus lines, tax and tip, in minor units: what is still to assign
    (< 0: the receipt is over the amount); None while a number cannot be read."""
    total = _minor(amount, currency) if amount.strip() else None
    assigned = receipt_total(items, tax, tip, currency)
    if total is None or assigned is None:
        return None
    return total - assigned


def receipt_note(
    amount: str, items: Sequence[ItemRow], tax: str, tip: str, currency: str
) -> str | None:
    """`receipt: 4.95 EUR left to assign` / `… over the amount` (None when it adds up
    or cannot be said yet), as the other modes say what is unassigned."""
    left = receipt_left(amount, items, tax, tip, currency)
    if not left:
        return None
    shown = format_amount(abs(left), currency)
    if left > 0:
        return f"receipt: {shown} {currency} left to assign"
    return f"receipt: {shown} {currency} over the amount"


def receipt_line(amount: str, items: Sequence[ItemRow], tax: str, tip: str, currency: str) -> str:
    """The editor's running total: `lines 45.00 + tax 4.05 + tip 6.00 = 55.05 EUR ·
    4.95 EUR left to assign` (plain text)."""
    lines = [_minor(r.amount, currency) for r in items if not r.blank]
    if any(v is None for v in lines):
        return "lines: fix the amount marked in red"
    total = receipt_total(items, tax, tip, currency)
    if total is None:
        return "tax and tip: fix the amount marked in red"

    def shown(minor: int) -> str:
        return format_amount(minor, currency)

    text = (
        f"lines {shown(sum(v for v in lines if v is not None))} + tax "
        f"{shown(_minor(tax, currency) or 0)} + tip {shown(_minor(tip, currency) or 0)} = "
        f"{shown(total)} {currency}"
    )
    left = receipt_left(amount, items, tax, tip, currency)
    if left is None:
        return text
    if left == 0:
        return f"{text} · matches the amount"
    return f"{text} · {receipt_note(amount, items, tax, tip, currency)}"


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """A number of the receipt the domain refuses: where it was typed (`line` its
    position in the editor, or None for tax and tip), which field and the message."""

    line: int | None
    field: str  # "amount" of a line, "tax" or "tip"
    message: str


def item_problems(items: Sequence[ItemRow], tax: str, tip: str, currency: str) -> list[ItemProblem]:
    """Every line amount, tax or tip the domain refuses, read on its own as recording
    reads it (same parser, same field name), so that it is refused as it is typed."""
    problems: list[ItemProblem] = []
    for index, row in enumerate(items):
        if row.amount.strip():
            try:
                parse_amount(row.amount, currency, field=f"item {index + 1}")
            except DomainError as exc:
                problems.append(ItemProblem(index, "amount", str(exc)))
    for what, text in (("tax", tax), ("tip", tip)):
        if text.strip():
            try:
                parse_amount(text, currency, allow_zero=True, field=what)
            except DomainError as exc:
                problems.append(ItemProblem(None, what, str(exc)))
    return problems


def _shown_extra(text: str) -> str:
    """A stored tax or tip as the editor shows it: empty when there is none."""
    return "" if not text.strip("0.,") else text


def from_receipt(receipt: Receipt) -> tuple[tuple[ItemRow, ...], str, str]:
    """A stored receipt as the editor's lines, tax and tip."""
    rows = tuple(ItemRow(d, a, tuple(ms)) for d, a, ms in receipt.items)
    return rows, _shown_extra(receipt.tax), _shown_extra(receipt.tip)


def normal_receipt(
    lines: Sequence[tuple[str, str, Sequence[str]]],
    tax: str | None,
    tip: str | None,
    currency: str,
    text: Callable[[str], str],
) -> Receipt:
    """The receipt the services would store for these lines (amounts as the currency
    writes them, descriptions through `text`, the services' text policy); raises
    `DomainError` when an amount cannot be read."""

    def money(value: str | None) -> str:
        minor = parse_amount(value or "0", currency, allow_zero=True)
        return format_amount(minor, currency, grouping=False)

    return Receipt(
        tuple((text(d), money(a), tuple(ms)) for d, a, ms in lines),
        money(tax),
        money(tip),
    )
