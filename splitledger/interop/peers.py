"""What the readers of the other splitters' exports share (Cospend, Tricount, Settle Up).

Their files differ in layout, not in what a row means: free text under the input
policy, member names that must not read alike, amounts exact in minor units, a date
with or without its time, a key per row from its content (re-importing finds the same
keys), and per-member sums kept from the cells apart from the transactions built, so
that the import reconciles the ledger against the file and not against itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from splitledger.domain import (
    DomainError,
    exponent,
    format_amount,
    normalize_currency,
)
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop.cells import blank, date_cell, quote, refused, text_cell
from splitledger.interop.errors import FormatError

MAX_ROWS = 1_000_000
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_CATEGORY = 100
MAX_NOTE = 2000
NO_DESCRIPTION = "(no description)"
#: Most a file may move in one currency (see splitwise.MAX_FILE_TOTAL).
MAX_FILE_TOTAL = 10**18
#: Currency symbols the apps let users type instead of a code.
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "₺": "TRY", "₽": "RUB"}

_DAY_FIRST = re.compile(r"(\d{1,2})[/.]\s?(\d{1,2})[/.]\s?(\d{4})", re.ASCII)
_ISO_PREFIX = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?Z?")
_TIME = re.compile(r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def money(minor: int, currency: str) -> str:
    """`minor` as a message shows it: `12.50 EUR`."""
    return f"{format_amount(minor, currency, grouping=False)} {currency}"


def lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, sliced lazily (see splitwise._lines)."""
    return (m.group() for m in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text))


def csv_rows(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each CSV record; a FormatError names the row of bad CSV."""
    reader = csv.reader(lines(text), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None


def header_row(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The first row of `rows` that is not blank (the rows after it stay in `rows`);
    a file with none is empty."""
    for _, cells in rows:
        if not blank(cells):
            return cells
    raise FormatError("the file is empty")


def member_name(cell: str, *, row: int, column: str) -> str:
    """A member's name under the input policy; exchange accounts' prefix is refused."""
    name = text_cell(cell, row=row, column=column, max_length=MAX_NAME, required=True)
    if name.lower().startswith(EXCHANGE_PREFIX):
        raise FormatError(
            f"names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts",
            row=row,
            column=column,
        )
    return name


def currency_cell(text: str, *, row: int, column: str) -> str:
    """An ISO code, or a symbol the apps allow (`€`), as a code."""
    cleaned = text.strip()
    try:
        return normalize_currency(SYMBOLS.get(cleaned, cleaned))
    except DomainError as exc:
        raise refused(exc, row, column) from None


def day_cell(text: str, *, row: int, column: str) -> dt.date:
    """A date with or without its time: `2024-05-01`, `2024-05-01 18:22[:05]`,
    `2024-05-01T18:22:05Z`, or day first `01/05/2024 18:22` and `1.5.2024`; the time is
    dropped (the ledger keeps days)."""
    cleaned = text.strip()
    iso = _ISO_PREFIX.fullmatch(cleaned)
    if iso is not None:
        return date_cell(iso.group(1), row, column)
    day_first = _DAY_FIRST.match(cleaned)
    if day_first is not None and _TIME.fullmatch(cleaned[day_first.end() :]):
        day, month, year = (int(g) for g in day_first.groups())
        try:
            return date_cell(dt.date(year, month, day).isoformat(), row, column)
        except ValueError:
            pass
    raise FormatError(
        f"{quote(text)} is not a date (YYYY-MM-DD or DD/MM/YYYY, with or without a time)",
        row=row,
        column=column,
    )


def decimal_cell(text: str, *, row: int, column: str) -> Decimal:
    """A finite decimal number (a weight, a rate), never through float."""
    cleaned = text.strip()
    if not re.fullmatch(r"[+-]?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})", cleaned, re.ASCII):
        raise FormatError(f"{quote(text)} is not a number", row=row, column=column)
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise FormatError(f"{quote(text)} is not a number", row=row, column=column) from None


def rate_matches(amount: int, currency: str, rate: Decimal, converted: int, target: str) -> bool:
    """Whether `converted` (in `target`) is `amount` (in `currency`) at `rate`, read either
    way (1 `currency` = rate `target`, or the inverse), to within half a minor unit of
    `target`: the apps round a converted amount once, to the cent."""
    if rate <= 0:
        return False
    scale = Fraction(10 ** exponent(target), 10 ** exponent(currency))
    exact = Fraction(amount) * scale
    half = Fraction(1, 2)
    return any(abs(exact * r - converted) <= half for r in (Fraction(rate), 1 / Fraction(rate)))


class Keys:
    """Each row's key: a digest of its content and of how many identical rows came
    before it, so that two identical coffees on one day stay two and a longer export
    of the same group finds the keys of the rows it shares."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: Counter[bytes] = Counter()

    def key(self, content: list[object]) -> str:
        digest = hashlib.sha256(_COMPACT.encode(content).encode("utf-8")).digest()
        occurrence = self.seen[digest]
        self.seen[digest] += 1
        return self.prefix + hashlib.sha256(digest + b"#%d" % occurrence).hexdigest()[:40]


class Sums:
    """Per-member sums from the file's cells, kept apart from the transactions built,
    and the money a file moves per currency (bounded by `MAX_FILE_TOTAL`)."""

    def __init__(self) -> None:
        self.totals: dict[tuple[str, str], int] = defaultdict(int)
        self.moved: dict[str, int] = defaultdict(int)

    def add(self, member: str, currency: str, minor: int, *, row: int) -> None:
        self.totals[member, currency] += minor
        if minor > 0:
            self.moved[currency] += minor
            if self.moved[currency] > MAX_FILE_TOTAL:
                raise FormatError(
                    f"the rows up to here move more than {money(MAX_FILE_TOTAL, currency)} "
                    "in all, more than a ledger can hold: split the file",
                    row=row,
                )

    def result(self) -> dict[tuple[str, str], int]:
        return {k: v for k, v in self.totals.items() if v}


def main_currency(counts: Counter[str]) -> str | None:
    """The currency most rows use (ties: the alphabetically first)."""
    return min(counts, key=lambda c: (-counts[c], c)) if counts else None
