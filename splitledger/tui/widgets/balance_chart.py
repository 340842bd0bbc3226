"""Each member's balance as a signed, coloured amount and a horizontal bar.

The bars share one scale (the largest balance fills half the width): those the group
owes grow right in the theme's success colour, those who owe grow left in its error
colour, so who pays whom is visible at a glance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content
from textual.reactive import reactive
from textual.visual import Visual
from textual.widget import Widget

from splitledger.domain import visible
from splitledger.tui.formatting import money
from splitledger.tui.widgets.bars import AXIS, BLOCK, WidthVisual, bar_cells, fit

if TYPE_CHECKING:
    from splitledger.services.views import BalancesView


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
        return _chart(view, theme.success or "green", theme.error or "red")


def _chart(view: BalancesView, good: str, bad: str) -> WidthVisual:
    """The chart drawn at whatever width Textual lays it out or paints it at (built
    once per width: see `widgets.bars`)."""
    return WidthVisual(lambda width: _assemble(view, good, bad, width))


def _assemble(view: BalancesView, good: str, bad: str, width: int) -> Content:
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
        (AXIS, "dim"),
        ("→ is owed".ljust(half), good),
    ]
    for label, amount, b in zip(labels, amounts, view.balances, strict=True):
        style = good if b.minor > 0 else bad if b.minor < 0 else "dim"
        cells = bar_cells(b.minor, biggest, half)
        left = BLOCK * cells if b.minor < 0 else ""
        right = BLOCK * cells if b.minor > 0 else ""
        parts += [
            "\n",
            (fit(label, name_w), "bold"),
            "  ",
            (amount.rjust(amount_w), f"bold {style}"),
            "  ",
            (left.rjust(half), bad),
            (AXIS, "dim"),
            (right.ljust(half), good),
        ]
    return Content.assemble(*parts)
