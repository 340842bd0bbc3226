"""Writing a settle-up plan as CSV that is safe to open in a spreadsheet (names that
look like formulas are neutralised by the shared `interop.csv_safe`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from splitledger.domain import Transfer, to_decimal
from splitledger.interop.csv_safe import write_csv

HEADER = ("from", "to", "amount", "currency")


def write_plan(path: Path, transfers: Sequence[Transfer]) -> Path:
    """Write `transfers` to a new file at `path` (never overwrites); returns its path."""
    target = path.expanduser()
    with target.open("x", newline="", encoding="utf-8") as handle:
        write_csv(
            handle,
            HEADER,
            ([t.payer, t.payee, to_decimal(t.minor, t.currency), t.currency] for t in transfers),
        )
    return target.resolve()
