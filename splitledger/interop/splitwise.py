"""Splitwise's CSV export, read into balanced transactions.

The export's layout: a header `Date,Description,Category,Cost,Currency,<member>…` (in the
user's language: `splitwise_languages`), blank separator lines, one line per expense or
payment whose member cells are the net effect on each member (> 0: the group owes them,
as in our sign convention), and a closing `Total balance` line per currency with each
member's total (`Current balance` in older exports). Friend exports start with a
`Note: …` line, skipped with the blank lines (`splitwise_header`). Rows whose Category
is the payment category between two members become payments; every other row an
expense posted as the members' net effects. Rows that change no balance are counted and
left out.

Members who left a group have no column in later exports, so their rows' cells do not
sum to zero: such a file is refused unless `unbalanced_to` names a member to take each
row's difference (ADR 0019). A currency without a closing line is refused unless
`no_footer`: then it is reconciled against the sums of its rows, and the notes say so.

Every cell of free text (descriptions, categories, member names) goes through the input
policy (`domain.text`): runs of tabs and line breaks fold to one space, then control,
bidi and invisible characters and over-long text are refused with the row and column.
Member names that read the same (`ann`, `Ann`, Cyrillic `аnn`) are refused, naming both
columns; dates must lie within `DATE_MIN`..`DATE_MAX`; amount cells must not be blank.

Each row's idempotency key is a digest of its content (date, description, category,
cost, currency and the non-zero member cells, whatever their column order) and of how
many identical rows came before it: re-importing the same file, or a later export with
more rows, finds the same keys, while two identical coffees on one day stay two. The
member `unbalanced_to` names is not part of it: the key is the file's row.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from splitledger.domain import (
    DomainError,
    Posting,
    Transaction,
    TxKind,
    format_amount,
    normalize_currency,
)
from splitledger.interop.cells import (
    ZERO_CELLS,
    amount_cell,
    blank,
    date_cell,
    refused,
    row_cells,
    text_cell,
)
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.interop.splitwise_header import (
    MAX_NAME,
    find_header,
    refuse_alike,
    unbalanced_member,
)
from splitledger.interop.splitwise_header import (
    members as read_members,
)
from splitledger.interop.splitwise_languages import (
    ENGLISH,
    fold,
    folded_in,
    is_total_label,
    language_of,
    payment_categories,
)
from splitledger.interop.text import decode

HEADER = tuple(h[0] for h in ENGLISH.headings)
KEY_PREFIX = "splitwise:"
NO_DESCRIPTION = "(no description)"
_LEFT_OUT = " (a member the row leaves out has 0.00)"
MAX_ROWS = 1_000_000
#: Longest text of a cell, in characters (the ledger's own limits).
MAX_DESCRIPTION = 500
MAX_CATEGORY = 100
#: Most a file may move in one currency (the sum, row by row, of what members are owed):
#: far beyond any group, and far enough below 2**63 that the ledger's 64-bit balances and
#: spending totals cannot overflow on import.
MAX_FILE_TOTAL = 10**18
__all__ = ["HEADER", "MAX_NAME", "SplitwiseFile", "detect", "parse", "read"]

Sums = dict[tuple[str, str], int]


@dataclass(frozen=True, slots=True)
class SplitwiseRow:
    """One data line: `tx` is None when the line changes no balance."""

    row: int
    currency: str
    tx: Transaction | None


@dataclass(frozen=True, slots=True)
class SplitwiseFile:
    members: tuple[str, ...]
    rows: tuple[SplitwiseRow, ...]
    #: {(member, currency): minor}: the file's "Total balance" lines, with the member
    #: `unbalanced_to` named (its computed total) and, under `no_footer`, the sums of the
    #: rows of the currencies that have no such line
    totals: dict[tuple[str, str], int] = field(default_factory=dict)
    totals_from: Literal["file", "rows"] = "file"
    notes: tuple[str, ...] = ()

    @property
    def transactions(self) -> list[Transaction]:
        return [r.tx for r in self.rows if r.tx is not None]

    @property
    def no_effect(self) -> int:
        return sum(1 for r in self.rows if r.tx is None)

    def main_currency(self) -> str | None:
        """The currency most rows use (ties: the alphabetically first)."""
        counts = Counter(r.currency for r in self.rows)
        if not counts:
            currencies = sorted({c for _, c in self.totals})
            return currencies[0] if currencies else None
        return min(counts, key=lambda c: (-counts[c], c))


@dataclass(slots=True)
class _State:
    """What the rows read so far add up to."""

    columns: tuple[str, ...]  # the file's five headings, as messages name them
    payments: frozenset[str]
    unbalanced_to: str | None
    seen: Counter[bytes] = field(default_factory=Counter)
    #: per currency, what members are owed in the rows so far (bounded)
    moved: dict[str, int] = field(default_factory=dict)
    #: per (member, currency), the sum of the cells (and of the differences booked)
    sums: Sums = field(default_factory=lambda: defaultdict(int))
    #: per currency, (total booked to `unbalanced_to`, rows)
    booked: dict[str, tuple[int, int]] = field(default_factory=dict)


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once


def _key(content: list[object], seen: Counter[bytes]) -> str:
    """The row's key: its content's digest and how many identical rows came before."""
    body = _COMPACT.encode(content)
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    occurrence = seen[digest]
    seen[digest] += 1
    return KEY_PREFIX + hashlib.sha256(digest + b"#%d" % occurrence).hexdigest()[:40]


def _money(minor: int, currency: str) -> str:
    return f"{format_amount(minor, currency, grouping=False)} {currency}"


def _row_tx(cells: list[str], members: tuple[str, ...], row: int, state: _State) -> SplitwiseRow:
    """One data line, its cells added to `state`."""
    description_col, category_col, cost_col, currency_col = state.columns[1:]
    date = date_cell(cells[0], row, state.columns[0])
    description = text_cell(
        cells[1], row=row, column=description_col, max_length=MAX_DESCRIPTION, required=False
    )
    category = text_cell(
        cells[2], row=row, column=category_col, max_length=MAX_CATEGORY, required=False
    )
    try:
        currency = normalize_currency(cells[4])
    except DomainError as exc:
        raise FormatError(str(exc), row=row, column=currency_col) from None
    if not cells[3].strip() and fold(description).endswith(("balance", "saldo", "bilanz")):
        raise FormatError(
            f"is empty: if this is the closing line, {description!r} is not a label "
            "Splitwise uses ('Total balance', or 'Current balance' in older exports)",
            row=row,
            column=cost_col,
        )
    cost = amount_cell(cells[3], currency, row, cost_col)
    nets = [  # zero cells (most of them) skip even the call
        (name, amount_cell(cell, currency, row, name, empty_hint=_LEFT_OUT))
        for name, cell in zip(members, cells[len(HEADER) :], strict=True)
        if cell not in ZERO_CELLS
    ]
    nonzero = [(n, v) for n, v in nets if v]
    total = sum(v for _, v in nonzero)
    postings = nonzero
    if total:
        if state.unbalanced_to is None:
            raise FormatError(
                f"the member cells add up to {_money(total, currency)}, not zero: the row "
                "does not balance (if members who left the group have no column, "
                "--unbalanced-to NAME books each row's difference to NAME)",
                row=row,
            )
        postings = [*nonzero, (state.unbalanced_to, -total)]
        so_far, count = state.booked.get(currency, (0, 0))
        state.booked[currency] = (so_far - total, count + 1)
    owed = sum(v for _, v in postings if v > 0)
    if owed > abs(cost):
        raise FormatError(
            f"members are owed {_money(owed, currency)} in all, more than the cost of "
            f"{_money(abs(cost), currency)}",
            row=row,
            column=cost_col,
        )
    if not postings:
        return SplitwiseRow(row, currency, None)
    state.moved[currency] = so_far = state.moved.get(currency, 0) + owed
    if so_far > MAX_FILE_TOTAL:
        limit = format_amount(MAX_FILE_TOTAL, currency)
        raise FormatError(
            f"the rows up to here move more than {limit} {currency} in all, more than a "
            "ledger can hold: split the file",
            row=row,
        )
    sums = state.sums
    for name, value in postings:
        sums[name, currency] += value
    # The key reads the text as it always has (whitespace runs as one space, no NFC), so
    # that files imported by earlier versions keep their keys.
    content: list[object] = [
        date.isoformat(),
        " ".join(cells[1].split()) or NO_DESCRIPTION,
        " ".join(cells[2].split()),
        cost,
        currency,
        sorted(nonzero),
    ]
    key = _key(content, state.seen)
    is_payment = len(postings) == 2 and folded_in(category, state.payments)
    try:
        tx = Transaction(
            kind=TxKind.PAYMENT if is_payment else TxKind.EXPENSE,
            postings=tuple(Posting(n, currency, v) for n, v in postings),
            date=date,
            description=description or NO_DESCRIPTION,
            idempotency_key=key,
            category="payment" if is_payment else category,
        )
    except DomainError as exc:
        column = {"description": description_col, "category": category_col}.get(exc.field or "")
        if column is None:
            raise FormatError(str(exc), row=row) from None
        raise refused(exc, row, column) from None
    return SplitwiseRow(row, currency, tx)


def _totals(
    cells: list[str], members: tuple[str, ...], row: int, currency_col: str
) -> tuple[str, dict[tuple[str, str], int]]:
    try:
        currency = normalize_currency(cells[4])
    except DomainError as exc:
        raise FormatError(str(exc), row=row, column=currency_col) from None
    values = {
        (name, currency): amount_cell(cells[i], currency, row, name, empty_hint=_LEFT_OUT)
        for i, name in enumerate(members, start=len(HEADER))
    }
    return currency, values


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings (\r\n, \r or \n, as io.StringIO with
    newline="" splits them), sliced lazily: StringIO kept a second, wider copy of the
    whole file, ~60 MB of the 100,000-row import's peak."""
    return (m.group() for m in _LINE.finditer(text))


def detect(head: str) -> bool:
    """The header, after any preamble, is Splitwise's in one of its languages."""
    text = head.lstrip("\ufeff")
    try:
        cells, _ = find_header(csv.reader(_lines(text)))
    except (csv.Error, StopIteration):
        return False
    return language_of(cells) is not None


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """`parse` as an import reader (`interop.formats`)."""
    found = parse(
        data,
        progress=options.progress,
        unbalanced_to=options.unbalanced_to,
        no_footer=options.no_footer,
    )
    return ImportedFile(
        format="splitwise",
        members=found.members,
        currency=found.main_currency(),
        transactions=found.transactions,
        totals=found.totals,
        totals_from=found.totals_from,
        no_effect=found.no_effect,
        notes=found.notes,
    )


def parse(
    data: bytes,
    *,
    progress: Callable[[int], None] | None = None,
    max_rows: int = MAX_ROWS,
    unbalanced_to: str | None = None,
    no_footer: bool = False,
) -> SplitwiseFile:
    """Read a Splitwise CSV export; raises `FormatError` naming the row and column."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    reader = csv.reader(_lines(text), strict=True)
    try:
        header, header_row = find_header(reader)
        members, lang = read_members(header, header_row)
        if unbalanced_to is not None:
            unbalanced_to = unbalanced_member(unbalanced_to, members)
        columns = tuple(h.strip() for h in header[: len(HEADER)])
        state = _State(columns, payment_categories(lang), unbalanced_to)
        width = len(HEADER) + len(members)
        rows: list[SplitwiseRow] = []
        totals: dict[tuple[str, str], int] = {}
        total_rows: dict[str, int] = {}
        label = lang.totals[0]  # as the file writes it, once seen
        for cells in reader:
            row = reader.line_num
            if blank(cells):
                continue
            row_cells(cells, width, row)
            if len(cells[1]) <= 40 and is_total_label(cells[1]):
                currency, values = _totals(cells, members, row, columns[4])
                if currency in total_rows:
                    raise FormatError(
                        f"a second {label!r} line for {currency}", row=row, column=columns[4]
                    )
                label = cells[1].strip()
                total_rows[currency] = row
                totals.update(values)
                continue
            if total_rows:
                raise FormatError(
                    f"a transaction after the {label!r} line: is this two exports in one?",
                    row=row,
                )
            if len(rows) >= max_rows:
                raise FormatError(f"more than {max_rows} transactions; split the file", row=row)
            rows.append(_row_tx(cells, members, row, state))
            if progress is not None and len(rows) % 1000 == 0:
                progress(len(rows))
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None
    except StopIteration:
        raise FormatError("the file is empty") from None
    # The file's text goes before the look-alike table (~12 MB, loaded once) comes in:
    # loaded while both are held, it raised the peak of a 100,000-row import by 7 MB.
    del reader, text
    refuse_alike(members, header_row)
    return _reconcile(members, rows, totals, total_rows, state, label, no_footer=no_footer)


def _reconcile(
    members: tuple[str, ...],
    rows: list[SplitwiseRow],
    totals: dict[tuple[str, str], int],
    total_rows: dict[str, int],
    state: _State,
    label: str,
    *,
    no_footer: bool,
) -> SplitwiseFile:
    """The file's own check: its rows add up to its closing lines. Currencies without
    one are refused, or (`no_footer`) reconciled against the sums of their rows."""
    sums = state.sums
    used = sorted({c for _, c in sums})
    missing = [c for c in used if c not in total_rows]
    if missing and not no_footer:
        raise FormatError(
            f"no {label!r} line for {', '.join(missing)}: the file looks truncated (if the "
            "export has none, --no-footer imports it reconciled against the sums of its rows)"
        )
    for currency, row in sorted(total_rows.items()):
        for member in members:
            want, got = totals.get((member, currency), 0), sums.get((member, currency), 0)
            if want != got:
                raise FormatError(
                    f"the total is {_money(want, currency)} but the rows above add up to "
                    f"{_money(got, currency)}",
                    row=row,
                    column=member,
                )
    notes: list[str] = []
    everyone = members
    if state.unbalanced_to is not None and state.booked:
        name = state.unbalanced_to
        everyone = (*members, name)
        for currency, (amount, count) in sorted(state.booked.items()):
            totals[name, currency] = sums.get((name, currency), 0)
            rows_text = f"{count} row{'s' if count != 1 else ''}"
            notes.append(
                f"{_money(amount, currency)} booked to {name} from {rows_text} whose member "
                "cells do not add up to zero (--unbalanced-to)"
            )
    for currency in missing:
        for member in everyone:
            if member in members or (member, currency) in sums:
                totals[member, currency] = sums.get((member, currency), 0)
    if missing:
        notes.append(
            f"no {label!r} line for {', '.join(missing)}: not reconciled against a footer, "
            "only against the sums of the file's rows"
        )
    return SplitwiseFile(
        everyone,
        tuple(rows),
        totals,
        totals_from="rows" if missing else "file",
        notes=tuple(notes),
    )
