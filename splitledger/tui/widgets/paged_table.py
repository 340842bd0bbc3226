"""Textual's `DataTable` (row cursor, zebra stripes) over a window of a longer list.

The table holds only the rows its owner gives it (the history holds at most a few
pages of 100,000 transactions). It tells the owner when the cursor or the view nears
either end of them (`NearEnd`, `NearStart`), and Home and End ask the owner for the true
first and last rows (`JumpToStart`, `JumpToEnd`) while there are rows beyond the
window. Only public DataTable API: see ADR 0014.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import Row

from splitledger.domain import visible

#: Ask for the next page when the cursor is this close to the first or last loaded row.
MARGIN = 20

Cell = Text | str


class PagedTable(DataTable[Text]):
    """A row-cursor `DataTable` whose owner adds pages at one end and drops rows at the
    other; `more_coming` / `more_above` say whether there are rows beyond the window."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home,ctrl+home", "scroll_top", "First", show=False),
        Binding("end,ctrl+end", "scroll_bottom", "Last", show=False),
    ]

    class NearEnd(Message):
        """The user may be close to the last loaded row (check `near_end()`)."""

    class NearStart(Message):
        """Only while `more_above`: the user may be close to the first loaded row."""

    class JumpToEnd(Message):
        """End while `more_coming`: the owner shows the true last rows."""

    class JumpToStart(Message):
        """Home while `more_above`: the owner shows the true first rows."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        #: Whether there are rows after the last one held.
        self.more_coming = False
        #: Whether there are rows before the first one held.
        self.more_above = False
        #: Rows are being replaced: the view follows them, no reason to ask for more.
        self._quiet = False

    # -- content -------------------------------------------------------------------

    def add_cells(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Append rows, each cell shown as plain, visible text (never markup)."""
        self.add_rows([[_text(cell) for cell in row] for row in rows])

    def replace(
        self, rows: Sequence[Sequence[Cell]], *, cursor: int, scroll_y: float | None = None
    ) -> None:
        """Show `rows` instead of the rows held, the cursor on row `cursor` and in view;
        `scroll_y`: where the view goes then (once the new rows are laid out)."""
        self._quiet = True
        try:
            self.clear()
            self.add_cells(rows)
            if scroll_y is not None:
                self._scroll_now(scroll_y)
            if rows:
                self.move_cursor(row=min(cursor, len(rows) - 1), scroll=False)
        finally:
            self._quiet = False

    def remove_first(self, count: int) -> None:
        """Drop the first `count` rows; the cursor stays on its row (if kept)."""
        self._remove(self.ordered_rows[:count], shift=count)

    def remove_last(self, count: int) -> None:
        """Drop the last `count` rows."""
        self._remove(self.ordered_rows[max(self.row_count - count, 0) :], shift=0)

    def _remove(self, rows: Sequence[Row], shift: int) -> None:
        if not rows:
            return
        cursor, y = self.cursor_row, self.scroll_y
        self._quiet = True
        try:
            for row in list(rows):
                self.remove_row(row.key)
            if self.row_count:
                self.cursor_coordinate = Coordinate(
                    min(max(cursor - shift, 0), self.row_count - 1), 0
                )
            if shift:
                self._scroll_now(max(y - shift, 0))
        finally:
            self._quiet = False

    def _scroll_now(self, y: float) -> None:
        """Scroll to `y` at once, in the rows held now: the table's height is set now
        (one line a row, as the table would find on its next idle) rather than after
        a paint that would show the rows at the old scroll offset."""
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(self.virtual_size.width, self.row_count + header)
        self.scroll_to(y=y, animate=False, immediate=True)

    # -- nearing an end ------------------------------------------------------------

    def near_end(self) -> bool:
        if not self.row_count:
            return False
        cursor_near = self.cursor_row >= self.row_count - MARGIN
        scroll_near = self.max_scroll_y > 0 and self.scroll_y >= self.max_scroll_y - MARGIN
        return cursor_near or scroll_near

    def near_start(self) -> bool:
        if not self.row_count:
            return False
        return self.cursor_row < MARGIN or self.scroll_y < MARGIN

    def _post_near(self) -> None:
        if self._quiet:
            return
        if self.near_end():
            self.post_message(self.NearEnd())
        if self.more_above and self.near_start():
            self.post_message(self.NearStart())

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        self._post_near()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._post_near()

    def action_scroll_top(self) -> None:
        """To the first row: the first held, or (`more_above`) the true first ones."""
        if self.more_above:
            self.post_message(self.JumpToStart())
        else:
            super().action_scroll_top()

    def action_scroll_bottom(self) -> None:
        """To the last row: the last held, or (`more_coming`) the true last ones; the
        cursor moves when they are shown."""
        if self.more_coming:
            self.post_message(self.JumpToEnd())
        else:
            super().action_scroll_bottom()


def _text(cell: Cell) -> Text:
    """A cell as plain text (a `str` is never markup), with any control, bidi or
    invisible character shown as a visible stand-in, whoever made the cell."""
    if isinstance(cell, str):
        return Text(visible(cell), end="")
    if not cell.plain.isprintable():
        cell = cell.copy()
        cell.plain = visible(cell.plain)  # one for one: the spans stay on their text
    return cell
