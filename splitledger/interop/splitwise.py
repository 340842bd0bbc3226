"""Splitwise's CSV export, read into balanced transactions.

The export's layout: a header `Date,Description,Category,Cost,Currency,<member>…`, blank
separator lines, one line per expense or payment whose member cells are the net effect
on each member (> 0: the group owes them, as in our sign convention), and a closing
`Total balance` line per currency with each member's total. Rows whose Category is
`Payment` between two members become payments; every other row an expense posted as the
members' net effects. Rows that change no balance are counted and left out.

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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from splitledger.domain import (
    MAX_MINOR,
    DomainError,
    Posting,
    Transaction,
    TxKind,
    exponent,
    format_amount,
    from_decimal,
    normalize_currency,
)
from splitledger.interop.errors import FormatError
from splitledger.interop.text import decode

HEADER = ("Date", "Description", "Category", "Cost", "Currency")
TOTAL_LABEL = "total balance"
PAYMENT_CATEGORY = "payment"
KEY_PREFIX = "splitwise:"
MAX_ROWS = 1_000_000
MAX_NAME = 100
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


# Most member cells are zero (they are not part of the bill): answered without parsing.
_ZERO_CELLS = frozenset({"", "0", "0.0", "0.00", "0.000", "-0.00", "-0.0", "-0"})


def _number(text: str, currency: str, row: int, column: str) -> int:
    if text in _ZERO_CELLS:
        return 0
    cleaned = text.strip()
    if not cleaned:
        return 0
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
        raise FormatError(f"{text!r} is not a number (write e.g. 12.50)", row=row, column=column)
    try:
        return from_decimal(Decimal(cleaned), currency, field=column)
    except DomainError as exc:
        message = str(exc).removeprefix(f"{column}: ")
        raise FormatError(message, row=row, column=column) from None


def _members(header: list[str]) -> tuple[str, ...]:
    names = [h.strip() for h in header]
    for index, expected in enumerate(HEADER):
        found = names[index] if index < len(names) else ""
        if found.lower() != expected.lower():
            raise FormatError(
                f"expected {expected!r} here, found {found!r}: a Splitwise export starts "
                f"with {','.join(HEADER)} and then one column per member",
                row=1,
                column=found or f"#{index + 1}",
            )
    members = names[len(HEADER) :]
    while members and not members[-1]:
        members.pop()
    if not members:
        raise FormatError("no member columns after 'Currency'", row=1)
    seen: set[str] = set()
    for index, name in enumerate(members, start=len(HEADER) + 1):
        if not name:
            raise FormatError("a member column has no name", row=1, column=f"#{index}")
        if len(name) > MAX_NAME or any(ord(ch) < 32 for ch in name):
            raise FormatError(
                f"member names are at most {MAX_NAME} printable characters", row=1, column=name
            )
        if name in seen:
            raise FormatError("this member's column appears twice", row=1, column=name)
        seen.add(name)
    return tuple(members)


def _date(text: str, row: int) -> dt.date:
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned, re.ASCII):
        try:
            return dt.date.fromisoformat(cleaned)
        except ValueError:
            pass
    raise FormatError(f"{text!r} is not a date (YYYY-MM-DD)", row=row, column="Date")


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
) -> SplitwiseRow:
    date = _date(cells[0], row)
    description = " ".join(cells[1].split()) or "(no description)"
    category = " ".join(cells[2].split())
    try:
        currency = normalize_currency(cells[4])
    except DomainError as exc:
        raise FormatError(str(exc), row=row, column="Currency") from None
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
            f"members are owed {format_amount(owed, currency, grouping=False)} in all, more than "
            f"the cost {cells[3].strip()}",
            row=row,
            column="Cost",
        )
    if not nonzero:
        return SplitwiseRow(row, currency, None)
    content: list[object] = [
        date.isoformat(),
        description,
        category,
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
            description=description,
            idempotency_key=key,
            category="payment" if is_payment else category,
        )
    except DomainError as exc:
        column = {"description": "Description", "category": "Category"}.get(exc.field or "")
        raise FormatError(str(exc), row=row, column=column) from None
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
        seen: Counter[bytes] = Counter()
        for cells in reader:
            row = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            if len(cells) != width:
                raise FormatError(f"has {len(cells)} cells but the header has {width}", row=row)
            if cells[1].strip().lower() == TOTAL_LABEL:
                currency, values = _totals(cells, members, row)
                if currency in total_rows:
                    raise FormatError(
                        f"a second 'Total balance' line for {currency}", row=row, column="Currency"
                    )
                total_rows[currency] = row
                totals.update(values)
                continue
            if total_rows:
                raise FormatError(
                    "a transaction after the 'Total balance' line: is this two exports in one?",
                    row=row,
                )
            if len(rows) >= max_rows:
                raise FormatError(f"more than {max_rows} transactions; split the file", row=row)
            rows.append(_row_tx(cells, members, row, seen))
            if progress is not None and len(rows) % 1000 == 0:
                progress(len(rows))
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None
    except StopIteration:
        raise FormatError("the file is empty") from None
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
                    f"the total is {format_amount(want, currency, grouping=False)} but the rows "
                    f"above add up to {format_amount(got, currency, grouping=False)} {currency}",
                    row=row,
                    column=member,
                )
