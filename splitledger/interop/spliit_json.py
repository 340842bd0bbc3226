"""Spliit's JSON export (Export → JSON), read into `spliit.Expense`s.

The export is the group as Spliit stores it: `currencyCode` (or, for a group made
before Spliit knew codes, only the symbol `currency`: `--currency` names it),
`participants` (`id`, `name`) and `expenses`, each with `expenseDate`, `title`,
`category.name`, `amount` (an integer in minor units), `paidById` (one payer),
`paidFor` (`participantId`, `shares`), `splitMode`, `isReimbursement`, and since 2025
`originalAmount`/`originalCurrency`/`conversionRate` and `recurrenceRule`, since 2026
`id` and `notes`. Older exports lack the newer fields; other fields are ignored.

`shares` are weights whatever the split mode (1 each for `EVENLY`; ×100 for
`BY_SHARES`; basis points for `BY_PERCENTAGE`; minor units for `BY_AMOUNT`): like
Spliit since August 2026, the amount is split in proportion to them by the domain's
largest-remainder splitter (`domain.allocate`), whose odd units go to the largest
remainders and, among equal ones, in the participants' id order rotated by Spliit's
FNV-1a hash of the expense id (by none when the export has no ids), which is exactly
Spliit's own rule: the shares are the ones its CSV export and balances show.

A recurring expense is imported as the occurrences Spliit has created so far; the
summary says how many repeat, so that the user can add them as recurring bills here.
Problems are named by the expense's number (1-based, in the file's order) and field.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import cast

from splitledger.domain import DomainError, Transaction, allocate, normalize_currency
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop import spliit
from splitledger.interop.cells import date_cell, quote, refuse_lookalikes, text_cell
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions, Totals
from splitledger.interop.text import decode

SPLIT_MODES = frozenset({"EVENLY", "BY_SHARES", "BY_PERCENTAGE", "BY_AMOUNT"})
#: Spliit refuses amounts beyond 10,000,000.00; far beyond, a file is not Spliit's.
MAX_AMOUNT = 10**15


def detect(head: str) -> bool:
    """A JSON object with Spliit's group fields near its start."""
    text = head.lstrip("\ufeff").lstrip()
    return (
        text.startswith("{")
        and '"expenses"' in head
        and ('"paidById"' in head or '"participants"' in head)
    )


def fnv1a(text: str) -> int:
    """Spliit's 32-bit FNV-1a hash of `text`'s UTF-16 code units (as JavaScript's
    charCodeAt gives them)."""
    data = text.encode("utf-16-le")
    value = 0x811C9DC5
    for i in range(0, len(data), 2):
        value ^= data[i] | (data[i + 1] << 8)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def apportion(
    amount: int, paid_for: list[tuple[str, int]], mode: str, seed_text: str | None
) -> list[tuple[str, int]]:
    """Each participant's share of `amount` (Spliit's rule, by the domain splitter):
    `paid_for` is (participant id, shares); the result is in participant id order."""
    ordered = sorted(paid_for)
    weights = [1 if mode == "EVENLY" else s for _, s in ordered]
    total = sum(weights)
    quotas = [Fraction(amount * w, total) for w in weights]
    seed = fnv1a(seed_text) if seed_text else 0
    return list(zip((p for p, _ in ordered), allocate(amount, quotas, seed=seed), strict=True))


def _field(
    obj: Mapping[str, object], name: str, kind: type | tuple[type, ...], where: str
) -> object:
    if name not in obj:
        raise FormatError(f"{where}: the field {name!r} is missing")
    value = obj[name]
    if isinstance(value, bool) and kind is not bool:
        value = None
    if not isinstance(value, kind):
        raise FormatError(f"{where}, field {name!r}: {quote(repr(value))} is not {_kind(kind)}")
    return value


def _kind(kind: type | tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        str: "text",
        bool: "true or false",
        list: "a list",
        dict: "an object",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds if k is not type(None))


def _text(cell: str, where: str, field: str, max_length: int, *, required: bool) -> str:
    """A text field under the input policy, named by the expense and field."""
    try:
        return text_cell(cell, row=0, column=field, max_length=max_length, required=required)
    except FormatError as exc:
        raise FormatError(f"{where}, field {field!r}: {_bare(exc)}") from None


def _bare(exc: FormatError) -> str:
    """A cell reader's message without its `row 0, column …: ` prefix."""
    return str(exc).split(": ", 1)[1] if exc.row is not None else str(exc)


class _Group:
    """The group's participants and currency, read once."""

    def __init__(self, data: Mapping[str, object], options: ReadOptions) -> None:
        code = data.get("currencyCode")
        symbol = data.get("currency")
        if isinstance(code, str) and code.strip():
            try:
                self.currency = normalize_currency(code)
            except DomainError as exc:
                raise FormatError(f"the group's field 'currencyCode': {exc}") from None
        elif options.currency is not None:
            self.currency = normalize_currency(options.currency)
        else:
            shown = f"only the symbol {quote(symbol)}" if isinstance(symbol, str) else "none"
            raise FormatError(
                f"the group has no currency code, {shown} (a group made before Spliit knew "
                "codes): give --currency CODE"
            )
        people = _field(data, "participants", list, "the group")
        self.names: dict[str, str] = {}
        for index, person in enumerate(cast(list[object], people), start=1):
            where = f"participant {index}"
            if not isinstance(person, dict):
                raise FormatError(f"{where}: not an object")
            pid = cast(str, _field(person, "id", str, where))
            raw = cast(str, _field(person, "name", str, where))
            name = _text(raw, where, "name", spliit.MAX_NAME, required=True)
            if name.lower().startswith(EXCHANGE_PREFIX):
                raise FormatError(
                    f"{where}, field 'name': names starting with {EXCHANGE_PREFIX!r} are "
                    "reserved for exchange accounts"
                )
            if pid in self.names:
                raise FormatError(f"{where}, field 'id': {quote(pid)} is given twice")
            if name in self.names.values():
                raise FormatError(f"{where}, field 'name': {quote(name)} is given twice")
            self.names[pid] = name
        if not self.names:
            raise FormatError("the group has no participants")
        members = list(self.names.values())
        refuse_lookalikes(members, members)

    def expense(self, item: object, index: int) -> tuple[spliit.Expense, str]:
        """The expense and its recurrence rule."""
        where = f"expense {index}"
        if not isinstance(item, dict):
            raise FormatError(f"{where}: not an object")
        day = cast(str, _field(item, "expenseDate", str, where))
        try:
            date = date_cell(day[:10], 0, "expenseDate")
        except FormatError as exc:
            raise FormatError(f"{where}, field 'expenseDate': {_bare(exc)}") from None
        if len(day) > 10 and day[10] != "T":
            raise FormatError(f"{where}, field 'expenseDate': {quote(day)} is not a date")
        title = _text(
            cast(str, _field(item, "title", str, where)), where, "title",
            spliit.MAX_DESCRIPTION, required=False,
        )  # fmt: skip
        category = ""
        raw_category = item.get("category")
        if isinstance(raw_category, dict) and isinstance(raw_category.get("name"), str):
            category = _text(
                raw_category["name"], where, "category", spliit.MAX_CATEGORY, required=False
            )
        amount = cast(int, _field(item, "amount", int, where))
        if not 0 < abs(amount) <= MAX_AMOUNT:
            raise FormatError(f"{where}, field 'amount': {amount} is not an amount Spliit keeps")
        payer_id = cast(str, _field(item, "paidById", str, where))
        if payer_id not in self.names:
            raise FormatError(f"{where}, field 'paidById': {quote(payer_id)} is no participant")
        mode = item.get("splitMode", "EVENLY")
        if mode not in SPLIT_MODES:
            raise FormatError(f"{where}, field 'splitMode': {quote(repr(mode))} is not Spliit's")
        reimbursement = item.get("isReimbursement", False)
        if not isinstance(reimbursement, bool):
            raise FormatError(f"{where}, field 'isReimbursement': not true or false")
        paid_for = self._paid_for(item, where)
        expense_id = item.get("id")
        shares = apportion(
            amount, paid_for, cast(str, mode), expense_id if isinstance(expense_id, str) else None
        )
        notes = item.get("notes")
        rule = item.get("recurrenceRule") or "NONE"
        if rule not in spliit.RECURRENCES:
            raise FormatError(
                f"{where}, field 'recurrenceRule': {quote(repr(rule))} is not Spliit's"
            )
        return (
            spliit.Expense(
                date=date,
                title=title,
                category=category,
                amount=amount,
                currency=self.currency,
                payer=self.names[payer_id],
                shares=tuple((self.names[p], s) for p, s in shares if s),
                reimbursement=reimbursement,
                original=self._original(item, where),
                notes=_text(notes, where, "notes", spliit.MAX_NOTE, required=False)
                if isinstance(notes, str)
                else "",
            ),
            cast(str, rule),
        )

    def _paid_for(self, item: Mapping[str, object], where: str) -> list[tuple[str, int]]:
        rows = cast(list[object], _field(item, "paidFor", list, where))
        paid_for: list[tuple[str, int]] = []
        for row in rows:
            if not isinstance(row, dict):
                raise FormatError(f"{where}, field 'paidFor': an entry is not an object")
            pid = cast(str, _field(row, "participantId", str, f"{where}, paidFor"))
            shares = cast(int, _field(row, "shares", int, f"{where}, paidFor"))
            if pid not in self.names:
                raise FormatError(f"{where}, field 'paidFor': {quote(pid)} is no participant")
            if any(p == pid for p, _ in paid_for):
                raise FormatError(f"{where}, field 'paidFor': {self.names[pid]!r} is listed twice")
            if not 0 < shares <= MAX_AMOUNT:
                raise FormatError(
                    f"{where}, field 'paidFor': {self.names[pid]!r} has {shares} shares; "
                    "Spliit keeps only positive ones"
                )
            paid_for.append((pid, shares))
        if not paid_for:
            raise FormatError(f"{where}, field 'paidFor': nobody shares the expense")
        return paid_for

    def _original(self, item: Mapping[str, object], where: str) -> str:
        minor = item.get("originalAmount")
        code = item.get("originalCurrency")
        if minor is None or isinstance(minor, bool) or not isinstance(minor, int) or minor == 0:
            return ""
        try:
            currency = normalize_currency(cast(str, code))
        except DomainError as exc:
            raise FormatError(f"{where}, field 'originalCurrency': {exc}") from None
        rate = item.get("conversionRate")
        text = "" if rate is None else format(rate, "f") if isinstance(rate, Decimal) else str(rate)
        try:
            return spliit.original_note(minor, currency, text, row=0, column="conversionRate")
        except FormatError as exc:
            raise FormatError(f"{where}, field 'conversionRate': {_bare(exc)}") from None


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Read a Spliit JSON export; raises `FormatError` naming the expense and field."""
    text = decode(data)
    try:
        found = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg}", row=exc.lineno) from None
    except RecursionError:
        raise FormatError("not valid JSON: nested too deeply") from None
    del text
    if not isinstance(found, dict):
        raise FormatError("not a Spliit export: the file is not one JSON object")
    items = _field(found, "expenses", list, "the group")
    group = _Group(found, options)
    transactions: list[Transaction] = []
    totals: Totals = {}
    seen: Counter[bytes] = Counter()
    repeats: Counter[str] = Counter()
    no_effect = 0
    moved = 0
    # Each expense's objects are let go once read: the parsed file shrinks as the
    # transactions grow, instead of both being held at the end (the activity log too).
    found.pop("activities", None)
    pending = cast(list[object], items)
    pending.reverse()
    index = 0
    while pending:
        item = pending.pop()
        index += 1
        if index > spliit.MAX_ROWS:
            raise FormatError(f"more than {spliit.MAX_ROWS} expenses; split the file")
        expense, rule = group.expense(item, index)
        moved += abs(expense.amount)
        if moved > spliit.MAX_FILE_TOTAL:
            raise FormatError(
                f"expense {index}: the expenses up to here move more than a ledger can hold"
            )
        if rule != "NONE":
            repeats[rule.lower()] += 1
        spliit.add_totals(totals, expense)
        tx = spliit.transaction(expense, spliit.key(expense, seen), row=index, column="title")
        if tx is None:
            no_effect += 1
        else:
            transactions.append(tx)
        if options.progress is not None and index % 1000 == 0:
            options.progress(index)
    notes: list[str] = []
    if repeats:
        kinds = ", ".join(f"{n} {rule}" for rule, n in sorted(repeats.items()))
        count = sum(repeats.values())
        what = "1 expense repeats" if count == 1 else f"{count} expenses repeat"
        notes.append(
            f"{what} in Spliit ({kinds}): the occurrences it made so far are imported; "
            "add the rest with 'recurring add'"
        )
    if options.unbalanced_to is not None:
        notes.append("--unbalanced-to is not needed: Spliit's JSON shares always add up")
    return ImportedFile(
        format="spliit",
        members=tuple(group.names.values()),
        currency=group.currency,
        transactions=transactions,
        totals={k: v for k, v in totals.items() if v},
        totals_from="rows",
        no_effect=no_effect,
        notes=tuple(notes),
    )
