"""Pure helpers of the expense form: what the user typed → the Ledger's fields, the
"still to assign" line, and which form field an error belongs to. Kept apart from the
widgets so that they are easy to test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypedDict, cast

from splitledger.domain import (
    DomainError,
    Posting,
    clean_text,
    format_amount,
    parse_amount,
    parse_decimal,
    visible,
)
from splitledger.services import bill_changes as changes
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import SPLIT_MODES, ExpenseFields, SplitMode
from splitledger.services.views import ExpenseDefinition, FieldChange

SEVERAL = "__several__"
#: Typed in a payer's "Paid" column (with several payers): that payer pays the rest.
REST = "rest"
MODES = ("equal", "exact", "percent", "shares", "adjust")
MODE_HINTS = {
    "equal": "everyone ticked pays the same",
    "exact": "type each person's amount",
    "percent": "type each person's percentage (they sum to 100)",
    "shares": "type each person's weight (empty = 1)",
    "adjust": "equal split, plus or minus each person's extra (empty = 0)",
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
    chosen = [r for r in form.rows if r.included]
    if not chosen:
        raise InvalidInput("participants: tick at least one person", field="participants")
    participants = tuple(
        (r.name, None if form.mode == "equal" or not r.value.strip() else r.value) for r in chosen
    )
    return {
        "description": form.description,
        "amount": form.amount,
        "date": date,
        "category": form.category,
        "paid_by": paid_by,
        "split": form.mode,
        "participants": participants,
    }


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
    return notes


ERROR_SLOTS = ("description", "amount", "date", "category", "paid_by", "split", "form")


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
        if form.mode != "equal" and row.included and row.value.strip():
            try:
                _read_value(form.mode, row.value, row.name, currency)
            except DomainError as exc:
                problems.append(FieldProblem(f"value-{index}", "split", str(exc)))
    return problems


def error_slot(field: str | None) -> str:
    """Which inline error line shows an error about `field`."""
    if field in {"description", "amount", "date", "category"}:
        return field
    if field and field.startswith("paid"):
        return "paid_by"
    split_fields = {"participants", "exact", "percent", "shares", "adjust", "split"}
    if field and (field in split_fields or field.split(" ")[0] in split_fields):
        return "split"
    if field and field.split(" ")[0] in {"share", "percent", "shares", "adjust"}:
        return "split"
    return "form"


def from_definition(definition: ExpenseDefinition, members: Sequence[str]) -> FormInput:
    """A form filled with an expense as it was entered: its split mode, each payer's
    amount (or `REST`), each participant's value, in the group's order of members (then
    anyone the definition names who is no longer listed)."""
    named = [n for n, _ in (*definition.paid_by, *definition.participants)]
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
            value="" if definition.split == "equal" else values.get(n) or "",
        )
        for n in names
    )
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
    )


class EditFields(TypedDict, total=False):
    """The fields of `Ledger.edit_expense` an edit gives (those that changed)."""

    description: str
    amount: str
    paid_by: tuple[tuple[str, str | None], ...]
    split: str
    participants: tuple[tuple[str, str | None], ...]
    date: dt.date
    category: str


#: The fields of a bill, in the order `edit_expense` takes them.
EDIT_FIELDS = ("description", "amount", "paid_by", "split", "participants", "date", "category")


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
    names = [k for k in EDIT_FIELDS if fields[k] != before.get(k)]
    if "split" in names and "participants" not in names:
        names.append("participants")
    # (to_fields gives each of these fields its type in EditFields)
    changed = cast("EditFields", {k: fields[k] for k in EDIT_FIELDS if k in names})
    merged: ExpenseFields = {**old.as_fields(), **changed}
    preview: ExpenseFields = {
        **merged,
        "description": typed["description"],
        "category": typed.get("category", ""),
    }
    new = normalised(old, merged)
    if new is not None:  # text left alone stays as stored (an older version's, say)
        new = replace(
            new,
            description=new.description if "description" in changed else old.description,
            category=new.category if "category" in changed else old.category,
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
        ("paid by", dict(old.paid_by), dict(shown.paid_by)),
        ("split", old.split, shown.split),
        ("shares", dict(old.participants), dict(shown.participants)),
        ("date", old.date, shown.date),
    ]
    return [name for name, a, b in pairs if a != b]


def normalised(old: ExpenseDefinition, fields: Mapping[str, object]) -> ExpenseDefinition | None:
    """The definition `fields` (those of `ExpenseDefinition.as_fields`) make, normalised
    as the services store it (amounts as the currency writes them, decimals without
    trailing zeros, a lone payer paying it all); None if a value cannot be read (the
    preview says why)."""
    currency = str(fields["currency"])
    mode = cast("str", fields["split"])
    if mode not in SPLIT_MODES:
        return None
    split: SplitMode = mode
    paid_by = cast("Sequence[tuple[str, str | None]]", fields["paid_by"])
    participants = cast("Sequence[tuple[str, str | None]]", fields["participants"])

    def money(text: str, *, signed: bool = False) -> str:
        minor = parse_amount(text, currency, allow_zero=True, allow_negative=signed)
        return format_amount(minor, currency, grouping=False)

    def number(text: str) -> str:
        return format(parse_decimal(text, field="value", allow_percent=True).normalize(), "f")

    def value(text: str | None) -> str | None:
        if split == "equal":
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
