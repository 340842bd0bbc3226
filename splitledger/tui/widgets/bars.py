"""Horizontal bar charts drawn as text: one line per row, a label, an exact amount and a
bar on a shared scale. The balances' chart (two-sided: who owes, who is owed) and the
reports' charts (one-sided: what was spent) are both drawn with these pieces.

Drawn as Textual `Content` (not a Rich `Text`, which Textual renders through Rich's
console: three times slower). A chart is a `Visual` built once per width: it never asks
its widget for its size (during a layout, `Widget.size` has the compositor arrange the
whole screen again, nested in the first layout); Textual passes the width to
`get_height` and `render_strips`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget

from splitledger.domain import visible

BLOCK = "█"
AXIS = "│"


def fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


def bar_cells(value: int, biggest: int, room: int) -> int:
    """How many cells of `room` a bar of `value` takes when `biggest` fills it: at
    least one for any non-zero value, so that a small amount is never drawn as none."""
    cells = round(room * abs(value) / (biggest or 1))
    return 1 if value and not cells else cells


class WidthVisual(Visual):
    """Content assembled for the width Textual lays it out or paints it at, built once
    per width (see the module's docstring)."""

    def __init__(self, assemble: Callable[[int], Content]) -> None:
        self._assemble = assemble
        self._built: tuple[int, Content] | None = None

    def content(self, width: int) -> Content:
        if self._built is not None and self._built[0] == width:
            return self._built[1]
        content = self._assemble(width)
        self._built = (width, content)
        return content

    def __str__(self) -> str:
        """The chart's text, as last drawn (or at 80 cells)."""
        return str(self.content(self._built[0] if self._built else 80))

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.content(container_width).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.content(width).get_height(rules, width)


class Bar(NamedTuple):
    """One row of a one-sided chart: `label` (user text: shown plain and visible),
    `amount` (the exact figure, as text) and `value` (its size, >= 0, in any unit
    shared by the chart's rows)."""

    label: str
    amount: str
    value: int


def one_sided(
    bars: Sequence[Bar], width: int, *, colour: str, cursor: int | None = None
) -> Content:
    """`bars`, one a line: the label, the amount right-aligned, and a bar growing right
    in `colour`, the largest value filling what the width leaves. The row at `cursor`
    is marked (a pointer and reversed label), so a keyboard user sees which is picked."""
    labels = [visible(b.label) for b in bars]
    name_w = min(max(map(cell_len, labels), default=1), 24)
    amount_w = max((len(b.amount) for b in bars), default=1)
    room = max(width - name_w - amount_w - 6, 10)
    biggest = max((b.value for b in bars), default=0)
    parts: list[str | tuple[str, str]] = []
    for index, (label, bar) in enumerate(zip(labels, bars, strict=True)):
        picked = index == cursor
        parts += [
            "\n" if index else "",
            ("▶ " if picked else "  ", "bold"),
            (fit(label, name_w), "bold reverse" if picked else "bold"),
            "  ",
            (bar.amount.rjust(amount_w), "bold"),
            "  ",
            (BLOCK * bar_cells(bar.value, biggest, room), colour),
        ]
    return Content.assemble(*parts)


class Bars(Widget, can_focus=True):
    """A one-sided bar chart with a cursor: ↑/↓ (or k/j, Home/End) pick a row, and the
    widget posts `Bars.Picked` with its index. An empty chart shows `empty`."""

    DEFAULT_CSS = """
    Bars { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous", show=False),
        Binding("down,j", "move(1)", "Next", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    class Picked(Message):
        """The cursor moved to row `index` of `bars`."""

        def __init__(self, bars: Bars, index: int) -> None:
            super().__init__()
            self.bars = bars
            self.index = index

    bars: reactive[tuple[Bar, ...]] = reactive((), layout=True)
    cursor: reactive[int] = reactive(0)

    def __init__(self, empty: str = "Nothing to show.", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.empty = empty

    def show(self, bars: Sequence[Bar], cursor: int = 0) -> None:
        """Draw `bars` with the cursor on row `cursor` (kept within the rows)."""
        self.bars = tuple(bars)
        self.cursor = max(0, min(cursor, len(self.bars) - 1))
        self.post_message(self.Picked(self, self.cursor))

    def render(self) -> Visual:
        if not self.bars:
            return Content.styled(self.empty, "dim")
        bars, cursor = self.bars, self.cursor
        colour = self.app.current_theme.primary or "blue"
        return WidthVisual(lambda width: one_sided(bars, width, colour=colour, cursor=cursor))

    def watch_cursor(self) -> None:
        if self.bars and self.parent is not None and self.is_mounted:
            self.call_after_refresh(self._keep_cursor_visible)

    def _keep_cursor_visible(self) -> None:
        region = self.virtual_region
        row = Region(region.x, region.y + self.cursor, max(region.width, 1), 1)
        parent = self.parent
        if isinstance(parent, Widget) and parent.is_scrollable:
            parent.scroll_to_region(row, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        if self.bars:
            self._pick(max(0, min(self.cursor + step, len(self.bars) - 1)))

    def action_jump(self, index: int) -> None:
        if self.bars:
            self._pick(index % len(self.bars))

    def _pick(self, index: int) -> None:
        if index != self.cursor:
            self.cursor = index
            self.post_message(self.Picked(self, index))
