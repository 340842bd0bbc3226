"""Splitwise's CSV export, read into balanced transactions.

The export's layout: a header `Date,Description,Category,Cost,Currency,<member>…`, blank
separator lines, one line per expense or payment whose member cells are the net effect
on each member (> 0: the group owes them, as in our sign convention), and a closing
`Total balance` line per currency with each member's total (`Current balance` in older
exports). Rows whose Category is `Payment` between two members become payments; every
other row an expense posted as the members' net effects. Rows that change no balance are
counted and left out.

Every cell of free text (descriptions, categories, member names) goes through the input
policy (`domain.text`): runs of tabs and line breaks fold to one space, then control,
bidi and invisible characters and over-long text are refused with the row and column.
Member names that read the same (`ann`, `Ann`, Cyrillic `аnn`) are refused, naming both
columns; dates must lie within `DATE_MIN`..`DATE_MAX`; amount cells must not be blank.

Each row's idempotency key is a digest of its content (date, description, category,
cost, currency and the non-zero member cells, whatever their column order) and of how
many identical rows came before it: re-importing the same file, or a later export with
more rows, finds the same keys, while two identical coffees on one day stay two.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from splitledger.domain import (
    DomainError,
    Posting,
    Transaction,
    TxKind,
    format_amount,
    normalize_currency,
)
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop.cells import (
    ZERO_CELLS,
    amount_cell,
    date_cell,
    quote,
    refuse_lookalikes,
    refused,
    text_cell,
)
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.interop.text import decode

HEADER = ("Date", "Description", "Category", "Cost", "Currency")
#: Labels of the closing line, lower-cased: older exports say "Current balance".
TOTAL_LABELS = frozenset({"total balance", "current balance"})
PAYMENT_CATEGORY = "payment"
KEY_PREFIX = "splitwise:"
NO_DESCRIPTION = "(no description)"
_LEFT_OUT = " (a member the row leaves out has 0.00)"
MAX_ROWS = 1_000_000
#: Longest text of a cell, in characters (the ledger's own limits).
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_CATEGORY = 100
#: Most a file may move in one currency (the sum, row by row, of what members are owed):
#: far beyond any group, and far enough below 2**63 that the ledger's 64-bit balances and
#: spending totals cannot overflow on import.
MAX_FILE_TOTAL = 10**18


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
    #: {(member, currency): minor} from the file's "Total balance" lines
    totals: dict[tuple[str, str], int] = field(default_factory=dict)

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


def _column(raw: str, index: int) -> str:
    """How a message names a member column: by its name when short enough to show."""
    return raw if 0 < len(raw) <= MAX_NAME else f"#{index}"


def _member_name(cell: str, column: str) -> str:
    """A member column's name under the input policy."""
    name = text_cell(cell, row=1, column=column, max_length=MAX_NAME, required=True)
    if name.lower().startswith(EXCHANGE_PREFIX):
        raise FormatError(
            f"names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts",
            row=1,
            column=column,
        )
    return name


def _members(header: list[str]) -> tuple[str, ...]:
    """The member columns' names under the policy. Names that read the same are refused
    by `_refuse_lookalikes` once the rows are read; a name the policy refuses is checked
    against the others at once, so that `ann` and `ann` + a zero-width space are named
    together rather than the second alone."""
    names = [h.strip() for h in header]
    for index, expected in enumerate(HEADER):
        found = names[index] if index < len(names) else ""
        if found.lower() != expected.lower():
            raise FormatError(
                f"expected {expected!r} here, found {quote(found)}: a Splitwise export "
                f"starts with {','.join(HEADER)} and then one column per member",
                row=1,
                column=_column(found, index + 1),
            )
    cells = header[len(HEADER) :]
    while cells and not cells[-1].strip():
        cells.pop()
    if not cells:
        raise FormatError("no member columns after 'Currency'", row=1)
    columns = [_column(c.strip(), i) for i, c in enumerate(cells, start=len(HEADER) + 1)]
    seen: set[str] = set()
    for column, cell in zip(columns, cells, strict=True):
        if not cell.strip():
            raise FormatError("a member column has no name", row=1, column=column)
        if cell.strip() in seen:
            raise FormatError("this member's column appears twice", row=1, column=column)
        seen.add(cell.strip())
    members: list[str] = []
    for index, (column, cell) in enumerate(zip(columns, cells, strict=True)):
        try:
            members.append(_member_name(cell, column))
        except FormatError:
            refuse_lookalikes(cells, columns, but=index)
            raise
    return tuple(members)


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once


def _key(content: list[object], seen: Counter[bytes]) -> str:
    """The row's key: its content's digest and how many identical rows came before."""
    body = _COMPACT.encode(content)
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    occurrence = seen[digest]
    seen[digest] += 1
    return KEY_PREFIX + hashlib.sha256(digest + b"#%d" % occurrence).hexdigest()[:40]


def _row_tx(
    cells: list[str],
    members: tuple[str, ...],
    row: int,
    seen: Counter[bytes],
    moved: dict[str, int],
) -> SplitwiseRow:
    """One data line. `moved` sums, per currency, what members are owed in the rows so
    far (bounded by `MAX_FILE_TOTAL`)."""
    date = date_cell(cells[0], row)
    description = text_cell(
        cells[1], row=row, column="Description", max_length=MAX_DESCRIPTION, required=False
    )
    category = text_cell(
        cells[2], row=row, column="Category", max_length=MAX_CATEGORY, required=False
    )
    try:
        currency = normalize_currency(cells[4])
    except DomainError as exc:
        raise FormatError(str(exc), row=row, column="Currency") from None
    if not cells[3].strip() and description.lower().endswith("balance"):
        raise FormatError(
            f"is empty: if this is the closing line, {description!r} is not a label "
            "Splitwise uses ('Total balance', or 'Current balance' in older exports)",
            row=row,
            column="Cost",
        )
    cost = amount_cell(cells[3], currency, row, "Cost")
    nets = [  # zero cells (most of them) skip even the call
        (name, amount_cell(cell, currency, row, name, empty_hint=_LEFT_OUT))
        for name, cell in zip(members, cells[len(HEADER) :], strict=True)
        if cell not in ZERO_CELLS
    ]
    nonzero = [(n, v) for n, v in nets if v]
    total = sum(v for _, v in nonzero)
    if total:
        raise FormatError(
            f"the member cells add up to {format_amount(total, currency, grouping=False)} "
            f"{currency}, not zero: the row does not balance",
            row=row,
        )
    owed = sum(v for _, v in nonzero if v > 0)
    if owed > abs(cost):
        raise FormatError(
            f"members are owed {format_amount(owed, currency, grouping=False)} {currency} in "
            f"all, more than the cost of {format_amount(abs(cost), currency, grouping=False)} "
            f"{currency}",
            row=row,
            column="Cost",
        )
    if not nonzero:
        return SplitwiseRow(row, currency, None)
    moved[currency] = so_far = moved.get(currency, 0) + owed
    if so_far > MAX_FILE_TOTAL:
        limit = format_amount(MAX_FILE_TOTAL, currency)
        raise FormatError(
            f"the rows up to here move more than {limit} {currency} in all, more than a "
            "ledger can hold: split the file",
            row=row,
        )
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
    key = _key(content, seen)
    is_payment = category.lower() == PAYMENT_CATEGORY and len(nonzero) == 2
    try:
        tx = Transaction(
            kind=TxKind.PAYMENT if is_payment else TxKind.EXPENSE,
            postings=tuple(Posting(n, currency, v) for n, v in nonzero),
            date=date,
            description=description or NO_DESCRIPTION,
            idempotency_key=key,
            category="payment" if is_payment else category,
        )
    except DomainError as exc:
        column = {"description": "Description", "category": "Category"}.get(exc.field or "")
        if column is None:
            raise FormatError(str(exc), row=row) from None
        raise refused(exc, row, column) from None
    return SplitwiseRow(row, currency, tx)


def _totals(
    cells: list[str], members: tuple[str, ...], row: int
) -> tuple[str, dict[tuple[str, str], int]]:
    try:
        currency = normalize_currency(cells[4])
    except DomainError as exc:
        raise FormatError(str(exc), row=row, column="Currency") from None
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
    """The first line is Splitwise's English header."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return tuple(c.strip() for c in first.split(",")[: len(HEADER)]) == HEADER


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """`parse` as an import reader (`interop.formats`)."""
    found = parse(data, progress=options.progress)
    return ImportedFile(
        format="splitwise",
        members=found.members,
        currency=found.main_currency(),
        transactions=found.transactions,
        totals=found.totals,
        no_effect=found.no_effect,
    )


def parse(
    data: bytes,
    *,
    progress: Callable[[int], None] | None = None,
    max_rows: int = MAX_ROWS,
) -> SplitwiseFile:
    """Read a Splitwise CSV export; raises `FormatError` naming the row and column."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    reader = csv.reader(_lines(text), strict=True)
    try:
        header = next(reader)
        members = _members(header)
        width = len(HEADER) + len(members)
        rows: list[SplitwiseRow] = []
        totals: dict[tuple[str, str], int] = {}
        total_rows: dict[str, int] = {}
        label = "Total balance"  # as the file writes it, once seen
        seen: Counter[bytes] = Counter()
        moved: dict[str, int] = {}
        for cells in reader:
            row = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            if len(cells) != width:
                raise FormatError(f"has {len(cells)} cells but the header has {width}", row=row)
            if cells[1].strip().lower() in TOTAL_LABELS:
                currency, values = _totals(cells, members, row)
                if currency in total_rows:
                    raise FormatError(
                        f"a second {label!r} line for {currency}", row=row, column="Currency"
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
            rows.append(_row_tx(cells, members, row, seen, moved))
            if progress is not None and len(rows) % 1000 == 0:
                progress(len(rows))
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None
    except StopIteration:
        raise FormatError("the file is empty") from None
    # The file's text goes before the look-alike table (~12 MB, loaded once) comes in:
    # loaded while both are held, it raised the peak of a 100,000-row import by 7 MB.
    del reader, text
    refuse_lookalikes(members, members)
    _reconcile(members, rows, totals, total_rows)
    return SplitwiseFile(members, tuple(rows), totals)


def _reconcile(
    members: tuple[str, ...],
    rows: list[SplitwiseRow],
    totals: dict[tuple[str, str], int],
    total_rows: dict[str, int],
) -> None:
    """The file's own check: its rows add up to its "Total balance" lines."""
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        if r.tx is not None:
            for p in r.tx.postings:
                sums[p.account, p.currency] += p.minor
    used = sorted({r.currency for r in rows if r.tx is not None})
    missing = [c for c in used if c not in total_rows]
    if missing:
        raise FormatError(
            f"no 'Total balance' line for {', '.join(missing)}: the file looks truncated"
        )
    for currency, row in sorted(total_rows.items()):
        for member in members:
            want, got = totals.get((member, currency), 0), sums.get((member, currency), 0)
            if want != got:
                raise FormatError(
                    f"the total is {format_amount(want, currency, grouping=False)} {currency} "
                    f"but the rows above add up to "
                    f"{format_amount(got, currency, grouping=False)} {currency}",
                    row=row,
                    column=member,
                )
