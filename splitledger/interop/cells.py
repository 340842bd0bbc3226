"""Readers for the cells of an imported file: free text under the input policy, amounts
in minor units, ISO dates and look-alike names, each refusing with the row and column.

They are shared by every file format the ledger imports, so that a cell means the same
and is refused in the same words whichever app exported it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from splitledger.domain import (
    MAX_MINOR,
    DomainError,
    check_date,
    clean_text,
    exponent,
    fold_cell,
    from_decimal,
    name_key,
)
from splitledger.interop.errors import FormatError

#: Longest amount cell read (the largest amount has 16 digits and a fraction).
MAX_NUMBER_TEXT = 40
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_PLAIN = re.compile(r"(-?)(\d{1,15})(?:\.(\d*))?", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# Most member cells are zero (they are not part of the bill): answered without parsing.
ZERO_CELLS = frozenset({"0", "0.0", "0.00", "0.000", "-0.00", "-0.0", "-0"})


def blank(cells: Sequence[str]) -> bool:
    """A blank line, or one of separators only."""
    return not any(c.strip() for c in cells)


def row_cells(cells: list[str], width: int, row: int) -> list[str]:
    """A data row of a file whose header has `width` cells: the empty cells a
    spreadsheet leaves past the header dropped (in place), and a row of another width
    refused."""
    while len(cells) > width and not cells[-1].strip():
        cells.pop()
    if len(cells) != width:
        raise FormatError(f"has {len(cells)} cells but the header has {width}", row=row)
    return cells


def quote(text: str, limit: int = 40) -> str:
    """`text` quoted for a message: escaped by repr, and cut short if long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "…"


def refused(exc: DomainError, row: int, column: str) -> FormatError:
    """A domain error as a FormatError at (row, column), without the field's own prefix."""
    message = str(exc)
    if exc.field is not None:
        message = message.removeprefix(f"{exc.field}: ")
    return FormatError(message, row=row, column=column)


def text_cell(cell: str, *, row: int, column: str, max_length: int, required: bool) -> str:
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
        raise refused(exc, row, column) from None


def amount_cell(text: str, currency: str, row: int, column: str, *, empty_hint: str = "") -> int:
    """An amount cell in `currency`'s minor units, or a FormatError at (row, column).
    Plain decimals are read in integers; anything else goes through `Decimal` only once
    it looks like a number, and never through float."""
    if text in ZERO_CELLS:
        return 0
    cleaned = text.strip()
    if not cleaned:
        raise FormatError(f"is empty{empty_hint}", row=row, column=column)
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
            f"{quote(text)} is not a number (write e.g. 12.50)", row=row, column=column
        )
    if len(cleaned) > MAX_NUMBER_TEXT:
        raise FormatError(f"{quote(cleaned)} is too long for an amount", row=row, column=column)
    try:
        return from_decimal(Decimal(cleaned), currency, field=column)
    except DomainError as exc:
        raise refused(exc, row, column) from None


def refuse_lookalikes(
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


def date_cell(text: str, row: int, column: str = "Date") -> dt.date:
    """A YYYY-MM-DD cell within the ledger's dates, or a FormatError at (row, column)."""
    cleaned = text.strip()
    if _ISO_DATE.fullmatch(cleaned):
        try:
            day = dt.date.fromisoformat(cleaned)
        except ValueError:
            pass
        else:
            try:
                return check_date(day, field=column)
            except DomainError as exc:
                raise refused(exc, row, column) from None
    raise FormatError(f"{quote(text)} is not a date (YYYY-MM-DD)", row=row, column=column)
