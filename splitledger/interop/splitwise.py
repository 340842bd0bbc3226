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
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from splitledger.domain import (
    MAX_MINOR,
    DomainError,
    Posting,
    Transaction,
    TxKind,
    check_date,
    clean_text,
    exponent,
    fold_cell,
    format_amount,
    from_decimal,
    name_key,
    normalize_currency,
)
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop.errors import FormatError
from splitledger.interop.text import decode

HEADER = ("Date", "Description", "Category", "Cost", "Currency")
#: Labels of the closing line, lower-cased: older exports say "Current balance".
TOTAL_LABELS = frozenset({"total balance", "current balance"})
PAYMENT_CATEGORY = "payment"
KEY_PREFIX = "splitwise:"
NO_DESCRIPTION = "(no description)"
MAX_ROWS = 1_000_000
#: Longest text of a cell, in characters (the ledger's own limits).
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_CATEGORY = 100
#: Most a file may move in one currency (the sum, row by row, of what members are owed):
#: far beyond any group, and far enough below 2**63 that the ledger's 64-bit balances and
#: spending totals cannot overflow on import.
MAX_FILE_TOTAL = 10**18
#: Longest amount cell read (the largest amount has 16 digits and a fraction).
MAX_NUMBER_TEXT = 40
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


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


_PLAIN = re.compile(r"(-?)(\d{1,15})(?:\.(\d*))?", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# Most member cells are zero (they are not part of the bill): answered without parsing.
_ZERO_CELLS = frozenset({"0", "0.0", "0.00", "0.000", "-0.00", "-0.0", "-0"})


def _quote(text: str, limit: int = 40) -> str:
    """`text` quoted for a message: escaped by repr, and cut short if long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def _refused(exc: DomainError, row: int, column: str) -> FormatError:
    """A domain error as a FormatError at (row, column), without the field's own prefix."""
    message = str(exc)
    if exc.field is not None:
        message = message.removeprefix(f"{exc.field}: ")
    return FormatError(message, row=row, column=column)


def _text(cell: str, *, row: int, column: str, max_length: int, required: bool) -> str:
    """A free-text cell under the input policy: `clean_text(fold_cell(cell))`, or a
    FormatError at (row, column).

    Printable text in NFC (nearly every cell) has nothing to fold or refuse: it is only
    trimmed and measured, as `clean_text` would (~0.1 µs instead of ~2.5 µs for text
    that is not ASCII)."""
    if cell.isprintable() and (cell.isascii() or unicodedata.is_normalized("NFC", cell)):
        text = cell.strip()
        if len(text) <= max_length and (text or not required):
            return text
    try:
        return clean_text(fold_cell(cell), field=column, max_length=max_length, required=required)
    except DomainError as exc:
        raise _refused(exc, row, column) from None


def _number(text: str, currency: str, row: int, column: str) -> int:
    if text in _ZERO_CELLS:
        return 0
    cleaned = text.strip()
    if not cleaned:
        hint = "" if column == "Cost" else " (a member the row leaves out has 0.00)"
        raise FormatError(f"is empty{hint}", row=row, column=column)
    plain = _PLAIN.fullmatch(cleaned)
    if plain is not None:  # the common shape, in integers (Decimal cost ~5 µs a cell)
        sign, whole, fraction = plain.groups()
        places = exponent(currency)
        fraction = (fraction or "").rstrip("0")
        if len(fraction) <= places:
            minor = int(whole) * 10**places + int(fraction.ljust(places, "0") or "0")
            if minor <= MAX_MINOR:
                return int(-minor if sign else minor)
    if not _NUMBER.fullmatch(cleaned):
        raise FormatError(
            f"{_quote(text)} is not a number (write e.g. 12.50)", row=row, column=column
        )
    if len(cleaned) > MAX_NUMBER_TEXT:
        raise FormatError(f"{_quote(cleaned)} is too long for an amount", row=row, column=column)
    try:
        return from_decimal(Decimal(cleaned), currency, field=column)
    except DomainError as exc:
        raise _refused(exc, row, column) from None


def _column(raw: str, index: int) -> str:
    """How a message names a member column: by its name when short enough to show."""
    return raw if 0 < len(raw) <= MAX_NAME else f"#{index}"


def _member_name(cell: str, column: str) -> str:
    """A member column's name under the input policy."""
    name = _text(cell, row=1, column=column, max_length=MAX_NAME, required=True)
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
                f"expected {expected!r} here, found {_quote(found)}: a Splitwise export "
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
            _refuse_lookalikes(cells, columns, but=index)
            raise
    return tuple(members)


def _refuse_lookalikes(
    names: Sequence[str], columns: Sequence[str], *, but: int | None = None
) -> None:
    """Refuse two columns whose names read the same (`ann`, `Ann`, Cyrillic `аnn`),
    naming both; with `but`, only pairs with that column."""
    seen: dict[str, int] = {}  # name_key -> the first column that reads so
    for index, name in enumerate(names):
        key = name_key(name)
        first = seen.setdefault(key, index) if key else index
        if first != index and but in (None, first, index):
            raise FormatError(
                f"reads the same as the column {columns[first]!r}: give the members names "
                "that look different",
                row=1,
                column=columns[index],
            )


def _date(text: str, row: int) -> dt.date:
    cleaned = text.strip()
    if _ISO_DATE.fullmatch(cleaned):
        try:
            day = dt.date.fromisoformat(cleaned)
        except ValueError:
            pass
        else:
            try:
                return check_date(day, field="Date")
            except DomainError as exc:
                raise _refused(exc, row, "Date") from None
    raise FormatError(f"{_quote(text)} is not a date (YYYY-MM-DD)", row=row, column="Date")


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
    date = _date(cells[0], row)
    description = _text(
        cells[1], row=row, column="Description", max_length=MAX_DESCRIPTION, required=False
    )
    category = _text(cells[2], row=row, column="Category", max_length=MAX_CATEGORY, required=False)
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
    cost = _number(cells[3], currency, row, "Cost")
    nets = [  # zero cells (most of them) skip even the call
        (name, _number(cell, currency, row, name))
        for name, cell in zip(members, cells[len(HEADER) :], strict=True)
        if cell not in _ZERO_CELLS
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
        raise _refused(exc, row, column) from None
    return SplitwiseRow(row, currency, tx)


def _totals(
    cells: list[str], members: tuple[str, ...], row: int
) -> tuple[str, dict[tuple[str, str], int]]:
    try:
        currency = normalize_currency(cells[4])
    except DomainError as exc:
        raise FormatError(str(exc), row=row, column="Currency") from None
    values = {
        (name, currency): _number(cells[i], currency, row, name)
        for i, name in enumerate(members, start=len(HEADER))
    }
    return currency, values


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings (\r\n, \r or \n, as io.StringIO with
    newline="" splits them), sliced lazily: StringIO kept a second, wider copy of the
    whole file, ~60 MB of the 100,000-row import's peak."""
    return (m.group() for m in _LINE.finditer(text))


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
    _refuse_lookalikes(members, members)
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
