"""A DataTable that asks for more rows as the cursor or the scroll nears its end, so
that a history of 100,000 transactions is read a page at a time, never all at once."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

#: Ask for the next page when the cursor is this close to the last loaded row.
MARGIN = 20


class LazyTable(DataTable[object]):
    """Posts `NearEnd` when more rows would soon be needed. Home and End jump to the
    first and last loaded row (End then loads the next page)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    class NearEnd(Message):
        """The user may be close to the last loaded row (check `near_end()`: the
        message can arrive after more rows were added)."""

    def near_end(self) -> bool:
        if not self.row_count:
            return False
        cursor_near = self.cursor_row >= self.row_count - MARGIN
        scroll_near = self.max_scroll_y > 0 and self.scroll_y >= self.max_scroll_y - MARGIN
        return cursor_near or scroll_near

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.near_end():
            self.post_message(self.NearEnd())

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self.near_end():
            self.post_message(self.NearEnd())
