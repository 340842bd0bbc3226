"""Editing a bill in the form: the form filled from the bill as it was entered, what
an edit changes (`EditPlan`: the fields that differ, previewed exactly as `edit_expense`
will record them) and what the form cannot show, so that it is kept. Pure: no widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypedDict, cast

from splitledger.domain import (
    DomainError,
    Posting,
    clean_text,
    format_amount,
    normalize_currency,
    parse_amount,
    parse_decimal,
    visible,
)
from splitledger.services import bill_changes as changes
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import SPLIT_MODES, ExpenseFields, Items, SplitMode
from splitledger.services.views import ExpenseDefinition, FieldChange, Receipt
from splitledger.tui.expense_fields import (
    REST,
    SEVERAL,
    FormInput,
    MemberRow,
    to_fields,
)
from splitledger.tui.expense_items import from_receipt, normal_receipt


def from_definition(definition: ExpenseDefinition, members: Sequence[str]) -> FormInput:
    """A form filled with an expense as it was entered: its currency, split mode, each
    payer's amount (or `REST`), each participant's value (an itemised bill: its lines,
    tax and tip), in the group's order of members (then anyone the definition names who
    is no longer listed)."""
    named = [n for n, _ in (*definition.paid_by, *definition.participants)]
    receipt = definition.receipt
    if receipt is not None:
        named += [m for _, _, ms in receipt.items for m in ms]
    names = list(dict.fromkeys([*members, *named]))
    paid = dict(definition.paid_by)
    values = dict(definition.participants)
    several = len(paid) > 1

    def paid_text(name: str) -> str:
        if not several or name not in paid:
            return ""
        return paid[name] or REST

    rows = tuple(
        MemberRow(
            name=n,
            included=n in values,
            paid=paid_text(n),
            value="" if definition.split in {"equal", "itemised"} else values.get(n) or "",
        )
        for n in names
    )
    items, tax, tip = from_receipt(receipt) if receipt is not None else ((), "", "")
    return FormInput(
        # Text an older version stored may hold characters that are refused now: the
        # form starts with their visible stand-ins (kept as stored unless edited).
        description=visible(definition.description),
        amount=definition.amount,
        date=definition.date.isoformat(),
        category=visible(definition.category),
        payer=SEVERAL if several else definition.paid_by[0][0],
        mode=definition.split,
        rows=rows,
        currency=definition.currency,
        items=items,
        tax=tax,
        tip=tip,
        note=visible(definition.note),
    )


class EditFields(TypedDict, total=False):
    """The fields of `Ledger.edit_expense` an edit gives (those that changed)."""

    description: str
    amount: str
    currency: str
    paid_by: tuple[tuple[str, str | None], ...]
    split: str
    participants: tuple[tuple[str, str | None], ...]
    date: dt.date
    category: str
    items: Items
    tax: str
    tip: str
    note: str


#: The fields of a bill, in the order `edit_expense` takes them.
EDIT_FIELDS = (
    "description",
    "amount",
    "currency",
    "paid_by",
    "split",
    "participants",
    "date",
    "category",
    "items",
    "tax",
    "tip",
    "note",
)
#: The fields that come along when the split mode changes (to itemised, or not).
RECEIPT_FIELDS = ("items", "tax", "tip")


@dataclass(frozen=True, slots=True)
class EditPlan:
    """What saving the edit form would do, worked out from the definition it opened
    with (`old`), the form as it opened (`start`) and as it is now.

    `changed`: the fields of `Ledger.edit_expense` that differ from the form as it
    opened (a new split mode brings its participants along); everything else, including
    what the form cannot show, is kept as the definition has it. `preview`: the fields
    of `Ledger.preview_expense` that build what the edit records (the definition with
    the changes; text as the form shows it, which builds the same postings). `new`: the
    resulting definition, normalised as the services store it (None while a number
    cannot be read)."""

    old: ExpenseDefinition
    changed: EditFields
    preview: ExpenseFields
    new: ExpenseDefinition | None

    @property
    def unchanged(self) -> bool:
        """The same bill: saving records nothing."""
        return self.new is not None and changes.same(self.old, self.new)

    def postings(
        self, preview: Sequence[Posting], current: Sequence[Posting]
    ) -> tuple[Posting, ...]:
        """What the edit records, given the preview's postings (built with the form's
        key) and the current version's: those, odd cents where they are, when no money
        field changes (only text or the date), as the services do."""
        if self.new is not None and changes.same_money(self.old, self.new):
            return tuple(current)
        return tuple(preview)

    def diff(
        self, preview: Sequence[Posting], current: Sequence[Posting], members: Sequence[str]
    ) -> tuple[FieldChange, ...]:
        """What the edit changes, field by field, as plain text (`amount: 15.00 USD →
        20.00 USD`), as the services will report it."""
        if self.new is None:
            return ()
        return changes.diff(self.old, self.new, current, self.postings(preview, current), members)


def edit_plan(old: ExpenseDefinition, start: FormInput, form: FormInput) -> EditPlan:
    """The edit the form asks for; raises `InvalidInput` as `to_fields` does."""
    typed = to_fields(form)
    fields: Mapping[str, object] = typed
    try:
        before: Mapping[str, object] = to_fields(start)
    except InvalidInput:  # an older expense the form cannot even show as valid
        before = {}
    itemised = fields["split"] == "itemised"
    # A field the form leaves out (an empty currency: the bill's) is kept.
    names = {k for k in EDIT_FIELDS if k in fields and fields[k] != before.get(k)}
    if "split" in names:  # a new split brings its own fields along
        names.update(RECEIPT_FIELDS if itemised else ("participants",))
    # (to_fields gives each of these fields its type in EditFields; a tax or tip left
    # empty is none, which `edit_expense` takes as "0", None keeping the old one)
    changed = cast(
        "EditFields",
        {
            k: "0" if k in RECEIPT_FIELDS[1:] and fields.get(k) is None else fields[k]
            for k in EDIT_FIELDS
            if k in names and k in fields
        },
    )
    merged: ExpenseFields = {**old.as_fields(), **changed}
    if itemised:  # each mode takes its own fields only
        merged.pop("participants", None)
    else:
        merged.pop("items", None)
        merged.pop("tax", None)
        merged.pop("tip", None)
    preview: ExpenseFields = {
        **merged,
        "description": typed["description"],
        "category": typed.get("category", ""),
        "note": typed.get("note", ""),
    }
    new = normalised(old, merged)
    if new is not None:  # text left alone stays as stored (an older version's, say)
        new = replace(
            new,
            description=new.description if "description" in changed else old.description,
            category=new.category if "category" in changed else old.category,
            note=new.note if "note" in changed else old.note,
        )
    return EditPlan(old, changed, preview, new)


def hidden(old: ExpenseDefinition, start: FormInput) -> list[str]:
    """The fields of `old` that the form `start` (filled from it) does not show as they
    are: they are kept unless changed."""
    try:
        shown = normalised(old, {**old.as_fields(), **to_fields(start)})
    except InvalidInput:
        shown = None
    if shown is None:
        return ["amount", "paid by", "split", "shares"]
    pairs = [
        ("amount", old.amount, shown.amount),
        ("currency", old.currency, shown.currency),
        ("items", old.receipt, shown.receipt),
        ("paid by", dict(old.paid_by), dict(shown.paid_by)),
        ("split", old.split, shown.split),
        ("shares", dict(old.participants), dict(shown.participants)),
        ("date", old.date, shown.date),
    ]
    return [name for name, a, b in pairs if a != b]


def edit_note(old: ExpenseDefinition, start: FormInput) -> str:
    """What to know about the expense being edited, as plain text: an older one opens
    as exact shares; what the form cannot show is kept."""
    notes = []
    if old.derived:
        notes.append("This older expense opens as exact shares.")
    kept = hidden(old, start)
    if kept:
        notes.append(
            f"The form cannot show its {', '.join(kept)} exactly: "
            "they are kept as they are unless you change them."
        )
    return "\n".join(notes)


def normalised(old: ExpenseDefinition, fields: Mapping[str, object]) -> ExpenseDefinition | None:
    """The definition `fields` (those of `ExpenseDefinition.as_fields`) make, normalised
    as the services store it (amounts as the currency writes them, decimals without
    trailing zeros, a lone payer paying it all); None if a value cannot be read (the
    preview says why)."""
    try:
        currency = normalize_currency(str(fields["currency"]))
    except DomainError:
        return None
    mode = cast("str", fields["split"])
    if mode not in SPLIT_MODES:
        return None
    split: SplitMode = mode
    paid_by = cast("Sequence[tuple[str, str | None]]", fields["paid_by"])
    participants = cast("Sequence[tuple[str, str | None]]", fields.get("participants", ()))

    def money(text: str, *, signed: bool = False) -> str:
        minor = parse_amount(text, currency, allow_zero=True, allow_negative=signed)
        return format_amount(minor, currency, grouping=False)

    def number(text: str) -> str:
        return format(parse_decimal(text, field="value", allow_percent=True).normalize(), "f")

    def value(text: str | None) -> str | None:
        if split in {"equal", "itemised"}:
            return None
        if split == "exact":
            return None if text is None else money(text)
        if split == "percent":
            return None if text is None else number(text)
        if split == "shares":
            return "1" if text is None else number(text)
        return money(text or "0", signed=True)

    try:
        payers: tuple[tuple[str, str | None], ...] = ((paid_by[0][0], None),)
        if len(paid_by) > 1:
            payers = tuple((n, None if v is None else money(v)) for n, v in paid_by)
        receipt: Receipt | None = None
        if split == "itemised":
            receipt = normal_receipt(
                cast("Items", fields["items"]),
                cast("str | None", fields.get("tax")),
                cast("str | None", fields.get("tip")),
                currency,
                lambda text: _text(text, "item", 200),
            )
            members = (m for _, _, ms in receipt.items for m in ms)
            participants = tuple((n, None) for n in dict.fromkeys(members))
        return ExpenseDefinition(
            tx_id=old.tx_id,
            group=old.group,
            description=_text(fields["description"], "description", 500),
            amount=money(str(fields["amount"])),
            currency=currency,
            paid_by=payers,
            split=split,
            participants=tuple((n, value(v)) for n, v in participants),
            date=cast("dt.date", fields["date"]),
            category=_text(fields["category"], "category", 100),
            receipt=receipt,
            note=_text(fields.get("note", ""), "note", 2000),
        )
    except DomainError:
        return None


def _text(value: object, field: str, max_length: int) -> str:
    """Text as the services store it (NFC, trimmed) or, for text they would refuse (an
    older version's, kept as stored), as it is."""
    text = str(value)
    try:
        return clean_text(text, field=field, max_length=max_length, required=False)
    except DomainError:
        return text
