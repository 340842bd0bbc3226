"""CSV that opens safely in spreadsheets: UTF-8, a header row, RFC 4180 quoting, and text
cells that a spreadsheet would run as a formula neutralised (OWASP "CSV injection").

Text and numbers are told apart by type: `str` cells are text and are neutralised when
they start with `=`, `+`, `-`, `@`, a tab or a carriage return (also after leading
spaces, which some spreadsheets skip) by prefixing a single quote; `int` and `Decimal`
cells are numbers and are written as plain digits (`-600.00`), so they stay numbers.
Text stored before the input policy may hold control characters: they are written as
their visible stand-ins (`domain.visible`: ESC as ␛), never raw.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TextIO

from splitledger.domain import visible

#: Leading characters that make a spreadsheet evaluate a cell (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal


def neutralise(text: str) -> str:
    """`text` made inert for spreadsheets: a leading `'` if it could start a formula."""
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def render(cell: Cell) -> str:
    """The text written for one cell: text made visible, then neutralised."""
    if isinstance(cell, bool):
        raise TypeError("a CSV cell is text or a number, not a bool")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, Decimal):
        if not cell.is_finite():
            raise ValueError(f"{cell} is not a number")
        return format(cell, "f")
    return neutralise(visible(cell))


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write the header and `rows` to `out`; returns the number of data rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([render(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([render(c) for c in row])
        count += 1
    return count
