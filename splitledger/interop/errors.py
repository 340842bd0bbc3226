"""The errors of the formats: a parser's names the row and column to fix; a writer's says
why the ledger cannot be written in that format."""

from __future__ import annotations


class FormatError(ValueError):
    """A file that cannot be read as the format says. `row` and `column` are 1-based
    (row 1 is the header line) and None when the problem is the whole file."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.row = row
        self.column = column


class ExportError(ValueError):
    """A ledger that a format cannot represent (say, a date its checks cannot follow)."""
