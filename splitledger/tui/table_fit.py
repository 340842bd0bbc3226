"""A table whose last column takes the width the others leave, so that its text wraps
in it instead of running off the screen (the activity and the ledger check)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

#: Around the columns: each cell's padding (2 a column), the body's (2), a scrollbar (2).
_CELL_PADDING, _FRAME = 2, 4


def fill_last_column(
    table: DataTable[Any], column: ColumnKey, fixed: Sequence[int], screen_width: int
) -> int | None:
    """Give `column` what the `fixed` column widths leave of `screen_width` (at least
    20); its new width, or None if it had it already or the table is not laid out."""
    if column not in table.columns:
        return None
    spent = sum(fixed) + _CELL_PADDING * (len(fixed) + 1) + _FRAME
    width = max(20, screen_width - spent)
    found = table.columns[column]
    if found.width == width:
        return None
    found.width = width
    found.auto_width = False
    return width
