"""The history's table draws exactly what a row-cursor, zebra-striped DataTable draws
(cell by cell, style by style), loads rows on demand and answers the same keys."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import DataTable

from splitledger.tui.widgets.lazy_table import PAD, LazyTable, _lay_out

COLUMNS: list[tuple[str | Text, int]] = [
    ("Date", 10),
    ("Kind", 8),
    ("Description", 14),
    (Text("Amount", justify="right"), 12),
]


def struck(text: str) -> Text:
    cell = Text(text)
    cell.stylize("strike dim")
    cell.append("  edited", style="italic dim")
    return cell


def row(i: int) -> tuple[str | Text, ...]:
    description = struck(f"Dinner {i}") if i % 3 == 0 else Text(f"Groceries number {i}")
    amount = Text(f"{i * 1234 % 99999:,}.50 EUR", justify="right")
    return (f"2026-06-{1 + i % 28:02d}", "expense", description, amount)


CELLS = [
    Text(""),
    Text("short"),
    Text("exactly-twelve"),
    Text("much longer than the column is wide"),
    Text("right", justify="right"),
    Text("right but far too long for it", justify="right"),
    Text("trailing   ", justify="right"),
    Text("left", justify="left"),
    Text("left and far too long for it", justify="left"),
    Text("crop me please, now", overflow="crop"),
    Text("ellipsis please, now", overflow="ellipsis"),
    Text("centre", justify="center"),
    Text("二重幅の文字です", justify="right"),
    Text("二重幅の文字ですよ"),
    Text("tab\there"),
    Text("two\nlines"),
    struck("Museum tickets"),
    Text.assemble(("bold", "bold"), " and ", ("red", "red"), justify="right"),
    Text("styled as a whole", style="italic"),
    Text("styled, right", style="bold red", justify="right"),
    Text("Ω wide ünïcode ✓ cells"),
]


@pytest.mark.parametrize("cell", CELLS, ids=[c.plain or "empty" for c in CELLS])
@pytest.mark.parametrize("width", [2, 5, 14])
def test_cells_are_laid_out_as_rich_lays_them_out(cell: Text, width: int) -> None:
    console = Console(width=100)
    options = console.options.update(height=1, no_wrap=True)
    expected = console.render_lines(Padding(cell, (0, PAD)), options.update_width(width))[0]
    got = _lay_out(console, options, cell, width)
    assert Segment.get_line_length(got) == width
    # The table layers a row style under and a cursor colour over every cell; a
    # segment with no style and one with the null style then come out the same.
    for pre, post in LAYERS:
        assert styled(got, pre, post) == styled(expected, pre, post)


LAYERS = [
    (Style(bgcolor="blue") + Style.from_meta({"row": 1, "column": 2}), Style(color="red")),
    (Style(bgcolor="blue"), Style.null()),
]


def styled(segments: list[Segment], pre: Style, post: Style) -> Strip:
    return Strip(Segment.apply_style(segments, style=pre, post_style=post)).simplify()


class Both(App[None]):
    """The same rows in a DataTable and in the LazyTable, side by side in height."""

    CSS = "DataTable, LazyTable { height: 12; }"

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True, id="dt")
        yield LazyTable(id="lt")

    def on_mount(self) -> None:
        dt, lt = self.query_one(DataTable), self.query_one(LazyTable)
        for label, width in COLUMNS:
            dt.add_column(label, width=width)
            lt.add_column(label, width=width)
        rows = [row(i) for i in range(40)]
        for cells in rows:
            dt.add_row(*cells)
        lt.add_rows(rows)


def lines(table: DataTable[object] | LazyTable) -> list[Strip]:
    return [strip.simplify() for strip in table.render_lines(table.size.region)]


@pytest.mark.parametrize("width", [60, 80])
async def test_it_draws_what_a_datatable_draws(width: int) -> None:
    app = Both()
    async with app.run_test(size=(width, 30)) as pilot:
        dt, lt = app.query_one(DataTable), app.query_one(LazyTable)
        for cursor in (0, 7, 30):
            dt.move_cursor(row=cursor)
            lt.move_cursor(row=cursor)
            dt.focus()
            await pilot.pause()
            dt_focused, lt_blurred = lines(dt), lines(lt)
            lt.focus()
            await pilot.pause()
            dt_blurred, lt_focused = lines(dt), lines(lt)
            assert lt.scroll_offset == dt.scroll_offset
            assert lt_focused == dt_focused
            assert lt_blurred == dt_blurred


async def test_keys_move_the_cursor_as_in_a_datatable() -> None:
    app = Both()
    async with app.run_test(size=(80, 30)) as pilot:
        lt = app.query_one(LazyTable)
        lt.focus()
        await pilot.press("down", "down")
        assert lt.cursor_row == 2
        await pilot.press("pagedown")
        assert lt.cursor_row == 13  # a page is the visible rows, as in a DataTable
        await pilot.press("end")
        assert lt.cursor_row == lt.row_count - 1
        assert lt.near_end()
        await pilot.press("home")
        assert lt.cursor_row == 0
        assert lt.scroll_y == 0
        lt.clear()
        assert lt.row_count == 0
        assert not lt.near_end()


class Window(App[None]):
    """A LazyTable whose owner records what the table asks for."""

    CSS = "LazyTable { height: 12; }"

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def compose(self) -> ComposeResult:
        yield LazyTable(id="lt")

    def on_mount(self) -> None:
        lt = self.query_one(LazyTable)
        for label, width in COLUMNS:
            lt.add_column(label, width=width)
        lt.add_rows([row(i) for i in range(40, 80)])
        lt.focus()

    def on_lazy_table_jump_to_end(self) -> None:
        self.asked.append("end")

    def on_lazy_table_jump_to_start(self) -> None:
        self.asked.append("start")

    def on_lazy_table_near_start(self) -> None:
        self.asked.append("near start")


async def test_end_and_home_ask_the_owner_when_there_are_more_rows() -> None:
    app = Window()
    async with app.run_test(size=(80, 30)) as pilot:
        lt = app.query_one(LazyTable)
        lt.more_coming = lt.more_above = True
        await pilot.press("down", "end")
        await pilot.pause()
        assert lt.cursor_row == 1  # the owner moves it, with the rows it reads
        assert app.asked[-1] == "end"
        await pilot.press("home")
        await pilot.pause()
        assert lt.cursor_row == 1
        assert app.asked[-1] == "start"
        lt.more_coming = lt.more_above = False
        await pilot.press("end")
        assert lt.cursor_row == 39
        await pilot.press("home")
        assert lt.cursor_row == 0
        assert app.asked == ["near start", "end", "start"]  # and no more asks


async def test_rows_put_in_front_or_dropped_move_neither_cursor_nor_view() -> None:
    app = Window()
    async with app.run_test(size=(80, 30)) as pilot:
        lt = app.query_one(LazyTable)
        lt.move_cursor(row=30)
        await pilot.pause()
        shown = looks(lt)
        on, top = lt.cursor_row, lt.scroll_y
        lt.prepend_rows([row(i) for i in range(1, 40)])  # an odd number: stripes stay
        assert lt.row_count == 79
        assert (lt.cursor_row, lt.scroll_y) == (on + 39, top + 39)
        await pilot.pause()
        assert looks(lt) == shown  # the same rows on screen, drawn the same
        lt.remove_last(5)
        assert lt.row_count == 74
        assert (lt.cursor_row, lt.scroll_y) == (on + 39, top + 39)
        lt.remove_first(39)
        assert lt.row_count == 35
        assert (lt.cursor_row, lt.scroll_y) == (on, top)
        await pilot.pause()
        assert looks(lt) == shown


def looks(table: LazyTable) -> list[list[tuple[str, Style | None]]]:
    """What the table shows, without the mouse's data (a cell knows its row index)."""
    return [
        [(seg.text, seg.style and seg.style.clear_meta_and_links()) for seg in strip]
        for strip in lines(table)
    ]
