"""Each member's balance as a signed, coloured amount and a horizontal bar.

The bars share one scale (the largest balance fills half the width): those the group
owes grow right in the theme's success colour, those who owe grow left in its error
colour, so who pays whom is visible at a glance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from textual.content import Content
from textual.css.styles import RulesMap
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget

from splitledger.domain import visible
from splitledger.tui.formatting import money

if TYPE_CHECKING:
    from splitledger.services.views import BalancesView

_BLOCK = "█"
_AXIS = "│"


class BalanceChart(Widget):
    """Balances of a group (one line each) with a shared-scale bar chart.

    Rendered as Textual `Content` (not a Rich `Text`, which Textual renders through Rich's
    console: three times slower, and this chart is a third of the balances screen's
    paint)."""

    DEFAULT_CSS = """
    BalanceChart { height: auto; }
    """

    view: reactive[BalancesView | None] = reactive(None, layout=True)

    def render(self) -> Visual:
        view = self.view
        if view is None:
            return Content.styled("Loading balances…", "dim")
        if not view.balances:
            return Content.styled("No members yet: press m to add some.", "dim")
        theme = self.app.current_theme
        return _Chart(view, theme.success or "green", theme.error or "red")


def _fit(text: str, width: int) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


class _Chart(Visual):
    """The chart drawn at whatever width Textual lays it out or paints it at.

    The bars fill the width, but the render does not ask the widget for its size: during
    a layout, `Widget.size` has the compositor arrange the whole screen again (a second
    layout, nested in the first, on every layout of the balances screen). Textual passes
    the width to `get_height` and `render_strips`; the content for a width is built once.
    """

    def __init__(self, view: BalancesView, good: str, bad: str) -> None:
        self.view = view
        self.good = good
        self.bad = bad
        self._built: tuple[int, Content] | None = None

    def content(self, width: int) -> Content:
        if self._built is not None and self._built[0] == width:
            return self._built[1]
        content = self._assemble(width)
        self._built = (width, content)
        return content

    def _assemble(self, width: int) -> Content:
        view, good, bad = self.view, self.good, self.bad
        several = len({b.currency for b in view.balances}) > 1
        # Names as plain, visible text, cut to the name column in terminal cells (a CJK
        # character or an emoji takes two).
        labels = [
            visible(f"{b.member} ({b.currency})")
            if several and b.currency != view.currency
            else visible(b.member)
            for b in view.balances
        ]
        amounts = [money(b.minor, b.currency, signed=True) for b in view.balances]
        name_w = min(max(map(cell_len, labels)), 24)
        amount_w = max(map(len, amounts))
        bar_w = max(width - name_w - amount_w - 4, 10)
        half = (bar_w - 1) // 2
        biggest = max((abs(b.minor) for b in view.balances), default=0) or 1
        parts: list[str | tuple[str, str]] = [
            " " * (name_w + amount_w + 4),
            ("owes ←".rjust(half), bad),
            (_AXIS, "dim"),
            ("→ is owed".ljust(half), good),
        ]
        for label, amount, b in zip(labels, amounts, view.balances, strict=True):
            style = good if b.minor > 0 else bad if b.minor < 0 else "dim"
            cells = round(half * abs(b.minor) / biggest)
            if b.minor and not cells:
                cells = 1
            left = _BLOCK * cells if b.minor < 0 else ""
            right = _BLOCK * cells if b.minor > 0 else ""
            parts += [
                "\n",
                (_fit(label, name_w), "bold"),
                "  ",
                (amount.rjust(amount_w), f"bold {style}"),
                "  ",
                (left.rjust(half), bad),
                (_AXIS, "dim"),
                (right.ljust(half), good),
            ]
        return Content.assemble(*parts)

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
