"""The history's table: a window of rows over a long list, paged by its owner.

It looks and answers to keys like a row-cursor `DataTable` (same component classes and
styles), and asks its owner for more rows as the cursor or view nears either end
(`NearEnd`, `NearStart`); Home and End ask for the true first and last rows
(`JumpToStart`, `JumpToEnd`). Why it is not a `DataTable`: ADR 0014. Public Textual
API only (ScrollView's line API).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing, clamp
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from splitledger.domain import visible

#: Ask for the next page when the cursor is this close to the first or last loaded row.
MARGIN = 20
#: Blank cells on each side of every cell (as in a DataTable).
PAD = 1
_HEADER = -1

Cell = Text | str


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header label and its width (without padding)."""

    label: Text
    width: int

    @property
    def render_width(self) -> int:
        return self.width + 2 * PAD


@dataclass(frozen=True, slots=True)
class _Palette:
    """The styles of one paint, read once (not once per line or cell)."""

    base: Style
    header: Style
    even: Style
    odd: Style
    cursor: Style
    hover: Style
    header_hover: Style


class LazyTable(ScrollView, can_focus=True):
    """Rows of cells under a header, with a row cursor. Posts `NearEnd` (`NearStart`)
    when rows after the last (before the first) loaded one would soon be needed. Home and
    End jump to the first and last row: the loaded one, or when the owner says there are
    more (`more_above`, `more_coming`) they post `JumpToStart` / `JumpToEnd` and the
    owner loads that end in place of the rows held."""

    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "scroll_top", "First", show=False),
        Binding("end,ctrl+end", "scroll_bottom", "Last", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--cursor",
        "datatable--hover",
        "datatable--header",
        "datatable--header-hover",
        "datatable--odd-row",
        "datatable--even-row",
    }
    # The DataTable's own rules (Textual 8), for the classes this table draws.
    DEFAULT_CSS = """
    LazyTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;

        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .datatable--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--odd-row {
        }
        & > .datatable--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .datatable--header-hover {
            background: $accent 30%;
        }
        & > .datatable--hover {
            background: $block-hover-background;
        }
    }
    """

    class NearEnd(Message):
        """The user may be close to the last loaded row (check `near_end()`: the
        message can arrive after more rows were added)."""

    class NearStart(Message):
        """Only while `more_above`: the user may be close to the first loaded row (check
        `near_start()`: the message can arrive after more rows were added)."""

    class JumpToEnd(Message):
        """End while `more_coming`: the owner shows the true last rows (the cursor stays
        where it is until then, so that the jump is painted once, with its rows)."""

    class JumpToStart(Message):
        """Home while `more_above`: the owner shows the true first rows."""

    class RowSelected(Message):
        """Enter (or a click) on the row under the cursor."""

        def __init__(self, table: LazyTable, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row

        @property
        def control(self) -> LazyTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: list[Column] = []
        self._rows: list[tuple[Text, ...]] = []
        #: Each shown row's cells, laid out but not styled (by row index; -1: header).
        self._laid_out: dict[int, _LaidOut] = {}
        self.cursor_row = 0
        self._hover_row = 0
        self._show_hover = False
        self._palette: _Palette | None = None
        #: Whether there are rows after the last one held (the owner adds them when
        #: asked with `NearEnd`, and End asks for the last ones with `JumpToEnd`).
        self.more_coming = False
        #: Whether there are rows before the first one held (`NearStart`, `JumpToStart`).
        self.more_above = False
        #: Rows are being added or dropped: the view follows them, which is no reason
        #: to ask for more (a page added at one end must not ask for one at the other).
        self._quiet = False
        #: Rows added or dropped above, modulo 2: a row keeps its stripe when it moves.
        self._stripe = 0

    # -- content -------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def get_row_at(self, row: int) -> tuple[Text, ...]:
        """The cells of row `row` (as shown: plain, visible text)."""
        return self._rows[row]

    @property
    def _table_width(self) -> int:
        return sum(column.render_width for column in self.columns)

    def add_column(self, label: Cell, *, width: int) -> None:
        """Add a column `width` cells wide (plus padding)."""
        self.columns.append(Column(_text(label), width))
        self._laid_out.clear()
        self._resize()

    def relayout(self, widths: Sequence[int], rows: Iterable[Sequence[Cell]]) -> None:
        """New column widths (one per column) and the same rows laid out anew for them
        (the cells may depend on the widths): the cursor and the view stay where they
        are. For a terminal resized under the table."""
        self.columns = [Column(c.label, w) for c, w in zip(self.columns, widths, strict=True)]
        new = [tuple(_text(cell) for cell in row) for row in rows]
        if len(new) != len(self._rows):
            raise ValueError("relayout keeps the rows: as many as there are")
        self._rows = new
        self._laid_out.clear()
        self._resize()
        self.refresh()

    def add_rows(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Append rows (one cell per column); they are laid out when first shown, and
        repainted only if they are on screen (a page below it changes the scrollbar)."""
        first = len(self._rows)
        self._rows.extend(tuple(_text(cell) for cell in row) for row in rows)
        self._resize()
        top = 1 + first - round(self.scroll_y)
        if top < self.size.height:
            self.refresh(Region(0, max(top, 1), self.size.width, self.size.height))

    def prepend_rows(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Insert rows above the first one. The cursor stays on its row and the view on
        the rows it shows (both move down by as many rows): nothing visibly moves but the
        scrollbar."""
        new = [tuple(_text(cell) for cell in row) for row in rows]
        if not new:
            return
        self._rows[:0] = new
        self._shift(len(new))

    def remove_first(self, count: int) -> None:
        """Drop the first `count` rows (a window's far side); the cursor and the view stay
        on the rows they were on (if those are kept)."""
        count = min(count, len(self._rows))
        if count > 0:
            del self._rows[:count]
            self._shift(-count)

    def remove_last(self, count: int) -> None:
        """Drop the last `count` rows (a window's far side)."""
        count = min(count, len(self._rows))
        if count <= 0:
            return
        del self._rows[len(self._rows) - count :]
        for row in [r for r in self._laid_out if r >= len(self._rows)]:
            del self._laid_out[row]
        self.cursor_row = min(self.cursor_row, max(len(self._rows) - 1, 0))
        self._quiet = True
        try:
            self._resize()  # (which may pull the view up)
        finally:
            self._quiet = False
        self.refresh()

    def _shift(self, by: int) -> None:
        """The rows moved `by` places (added or removed above): move the cursor, the
        hover and the view with them, and lay the rows out again (a cell knows its row
        for the mouse) as they are shown."""
        self._laid_out = {_HEADER: self._laid_out[_HEADER]} if _HEADER in self._laid_out else {}
        self._stripe = (self._stripe + by) % 2
        self.cursor_row = clamp(self.cursor_row + by, 0, max(len(self._rows) - 1, 0))
        self._hover_row = max(self._hover_row + by, 0)
        y = max(self.scroll_y + by, 0)
        target = max(self.scroll_target_y + by, 0)
        self._quiet = True
        try:
            self._resize()  # first: the new scroll offset is checked against the new height
            self.scroll_y = y
            self.scroll_target_y = target
        finally:
            self._quiet = False
        self.refresh()

    def clear(self) -> None:
        """Remove every row (not the columns); the cursor goes back to the top."""
        self._rows.clear()
        self._laid_out.clear()
        self._stripe = 0
        self.cursor_row = 0
        self._hover_row = 0
        self._resize()
        self.refresh()
        self.scroll_x = self.scroll_y = 0
        self.scroll_target_x = self.scroll_target_y = 0

    def _resize(self) -> None:
        self.virtual_size = Size(self._table_width, 1 + len(self._rows))

    # -- cursor --------------------------------------------------------------------

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

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        """Put the cursor on `row` (clamped to the rows there are) and show it."""
        target = clamp(row, 0, max(self.row_count - 1, 0))
        before, self.cursor_row = self.cursor_row, target
        if target != before:
            self._refresh_row(before)
            self._refresh_row(target)
        self._scroll_cursor_into_view(animate=animate)
        self._post_near()

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        if not self.row_count:
            return
        width = max(self.size.width, self._table_width)
        region = Region(int(self.scroll_x), 1 + self.cursor_row, width, 1)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(1, 0, 0, 0), force=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._post_near()

    def _refresh_row(self, row: int) -> None:
        """Repaint `row` (or the header, -1) if it is on screen."""
        y = 0 if row == _HEADER else 1 + row - round(self.scroll_y)
        if 0 <= y < self.size.height and (row == _HEADER or row < self.row_count):
            self.refresh(Region(0, y, self.size.width, 1))

    def _set_hover(self, active: bool, row: int | None = None) -> None:
        before = self._hover_row
        self._show_hover = active
        if row is not None:
            self._hover_row = row
        self._refresh_row(before)
        if self._hover_row != before:
            self._refresh_row(self._hover_row)

    def action_cursor_up(self) -> None:
        self._set_hover(False)
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._set_hover(False)
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_left(self) -> None:
        self._set_hover(False)
        self.action_scroll_left()

    def action_cursor_right(self) -> None:
        self._set_hover(False)
        self.action_scroll_right()

    def action_page_down(self) -> None:
        self._set_hover(False)
        height = self.scrollable_content_region.height - 1
        rows = min(height + 1, self.row_count - self.cursor_row)
        target = self.cursor_row + rows - 1
        self.scroll_relative(y=height, animate=False, force=True)
        self.move_cursor(row=target)

    def action_page_up(self) -> None:
        self._set_hover(False)
        height = self.scrollable_content_region.height - 1
        rows = min(height + 1, self.cursor_row + 1)
        target = self.cursor_row - rows + 1
        self.scroll_relative(y=-height, animate=False)
        self.move_cursor(row=target)

    def action_scroll_top(self) -> None:
        """To the first row: the first loaded one, or (`more_above`) ask the owner for
        the true first rows."""
        self._set_hover(False)
        if self.more_above:
            self.post_message(self.JumpToStart())
            return
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        """To the last row: the last loaded one, or (`more_coming`) ask the owner for the
        true last rows; the cursor moves when they are shown, so the jump and its rows
        are painted once, and the rows are read while nothing is being drawn."""
        self._set_hover(False)
        if self.more_coming:
            self.post_message(self.JumpToEnd())
            return
        self.move_cursor(row=self.row_count - 1)

    def action_select_cursor(self) -> None:
        self._set_hover(False)
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    # -- mouse ---------------------------------------------------------------------

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = event.style.meta.get("row")
        if isinstance(row, int):
            self._set_hover(True, row)
        else:
            self._set_hover(False)

    def on_leave(self, _: events.Leave) -> None:
        self._set_hover(False)

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        self._set_hover(True, row if isinstance(row, int) else None)
        if not isinstance(row, int) or row == _HEADER:
            return
        again = row == self.cursor_row
        self.move_cursor(row=row, animate=True)
        if again:
            self.post_message(self.RowSelected(self, row))
        event.stop()

    # -- drawing -------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._palette = self._read_palette()
        return super().render_lines(crop)

    def _read_palette(self) -> _Palette:
        component = self.get_component_styles
        rich = self.get_component_rich_style
        return _Palette(
            base=self.rich_style,
            header=component("datatable--header").rich_style,
            even=component("datatable--even-row").rich_style,
            odd=component("datatable--odd-row").rich_style,
            cursor=rich("datatable--cursor"),
            hover=rich("datatable--hover"),
            header_hover=rich("datatable--header-hover"),
        )

    def render_line(self, y: int) -> Strip:
        palette = self._palette or self._read_palette()
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        row = _HEADER if y == 0 else y - 1 + scroll_y
        if row >= self.row_count:
            return Strip.blank(width, palette.base)
        segments = self._styled(row, palette)
        return (
            Strip(segments)
            .crop(scroll_x, scroll_x + width)
            .adjust_cell_length(width, palette.base)
            .simplify()
        )

    def _styled(self, row: int, palette: _Palette) -> list[Segment]:
        """One row (or the header) with its styles layered as a DataTable layers them:
        the row's style, then the cell, then the cursor's colour on top."""
        header = row == _HEADER
        hover = self._show_hover and self._hover_row == row
        cursor = not header and row == self.cursor_row
        odd = (row - self._stripe) % 2
        row_style = palette.header if header else palette.odd if odd else palette.even
        state = Style()
        if hover:
            state += palette.hover
            if header:
                state += palette.header_hover
        if cursor:
            state += palette.cursor
        post = Style.from_color(color=state.color)
        laid_out = self._cells(row)
        segments: list[Segment] = []
        for cell, meta in zip(laid_out.cells, laid_out.metas, strict=True):
            pre = row_style + meta + state
            segments.extend(Segment.apply_style(cell, style=pre, post_style=post))
        rest = max(0, self.size.width - self._table_width)
        segments.append(Segment(" " * rest, row_style + state + laid_out.outside))
        return segments

    def _cells(self, row: int) -> _LaidOut:
        """The row's cells laid out (cached: a row is laid out once)."""
        laid_out = self._laid_out.get(row)
        if laid_out is None:
            data = [c.label for c in self.columns] if row == _HEADER else self._rows[row]
            console = self.app.console
            options = self.app.console_options.update(height=1, no_wrap=True)
            laid_out = _LaidOut(
                [
                    _lay_out(console, options, cell, column.render_width)
                    for cell, column in zip(data, self.columns, strict=True)
                ],
                [Style.from_meta({"row": row, "column": i}) for i in range(len(self.columns))],
                Style.from_meta({"row": row, "column": 0, "out_of_bounds": True}),
            )
            self._laid_out[row] = laid_out
        return laid_out


@dataclass(frozen=True, slots=True)
class _LaidOut:
    """A row's cells, laid out but not styled, and the mouse's data for each of them."""

    cells: list[list[Segment]]
    metas: list[Style]
    outside: Style


def _text(cell: Cell) -> Text:
    """A cell as plain text (a `str` is never markup), with any control, bidi or
    invisible character shown as a visible stand-in, whoever made the cell."""
    if isinstance(cell, str):
        return Text(visible(cell), end="")
    if not cell.plain.isprintable():
        cell = cell.copy()
        cell.plain = visible(cell.plain)  # one for one: the spans stay on their text
    return cell


def _lay_out(console: Console, options: ConsoleOptions, cell: Text, width: int) -> list[Segment]:
    """A cell as a DataTable lays it out (padded on each side, cropped to its width or
    justified in it), styled only by its own text. One line of text, left or right
    justified (every cell of the history), takes Rich's own steps for that case
    directly, on the string alone when the text has no styles: a tenth to a hundredth
    of the time of a trip through Rich's console, which is what any other cell takes."""
    inner = width - 2 * PAD
    justify = cell.justify or "default"
    overflow = cell.overflow or "fold"
    plain = cell.plain
    if (
        inner < 0
        or cell.style
        or "\n" in plain
        or "\t" in plain
        or justify not in ("default", "left", "right")
        or overflow not in ("fold", "crop")
    ):
        lines = console.render_lines(Padding(cell, (0, PAD)), options.update_width(width))
        return lines[0]
    pad = " " * PAD
    if not cell.spans:  # Text.wrap (no wrapping), Lines.justify and Padding, on a str
        if justify == "right":
            plain = plain.rstrip()
        if cell_len(plain) > inner:
            plain = set_cell_size(plain, inner)
        gap = " " * (inner - cell_len(plain))
        text = f"{gap}{plain}" if justify == "right" else f"{plain}{gap}"
        return [Segment(f"{pad}{text}{pad}")]
    line = cell.copy()
    if justify == "left":
        line.truncate(inner, overflow=overflow, pad=True)
    elif justify == "right":
        line.rstrip()
        line.truncate(inner, overflow=overflow)
        line.pad_left(inner - cell_len(line.plain))
    line.truncate(inner, overflow=overflow)
    segments = [Segment(pad), *line.render(console, end="")]
    rest = inner - cell_len(line.plain)
    segments.append(Segment(" " * (rest + PAD)))
    return segments
