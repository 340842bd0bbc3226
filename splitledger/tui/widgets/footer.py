"""The keys of the current screen on the bottom line, drawn by one widget.

It shows exactly what Textual's `Footer` shows (same keys, same order, same colours
from the same theme variables, the command palette key docked right), answers the
mouse the same way (a key lights up under the pointer, shows its tooltip, and a click
presses it), but it is one line-API widget instead of a container with a widget per
key. Each of those widgets had its own message queue, styles and layout, and the footer
rebuilt them all on every bindings signal: with 7-8 keys a screen, the footer was a
quarter of the time of showing the balances and of opening the history (measured with
the footer removed: 70 -> 53 ms to launch, 201 -> 154 ms to open the history).

Not supported (the app does not use them): binding groups and the compact style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

_BORDER = "▏"  # Textual's "vkey" left border


@dataclass(frozen=True, slots=True)
class FooterKeyView:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str
    palette: bool = False


class LedgerFooter(Widget, can_focus=False):
    """The current screen's keys (and the command palette key, on the right)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ledger-footer--item",
        "ledger-footer--item-hover",
        "ledger-footer--item-disabled",
        "ledger-footer--key",
        "ledger-footer--description",
        "ledger-footer--border",
    }
    # Textual's Footer and FooterKey rules, as layers that `_style` stacks the way
    # Textual stacks a FooterKey widget on the Footer and its parts on the FooterKey.
    DEFAULT_CSS = """
    LedgerFooter {
        color: $footer-foreground;
        background: $footer-background;
        dock: bottom;
        height: 1;
        & > .ledger-footer--item { background: $footer-item-background; }
        & > .ledger-footer--item-hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .ledger-footer--item-disabled { text-style: dim; }
        & > .ledger-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .ledger-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .ledger-footer--border { color: $foreground 20%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.keys: tuple[FooterKeyView, ...] = ()
        self._hover: int | None = None
        self._styles: dict[tuple[str, ...], Style] = {}
        #: Each key's (index, first cell, end cell) on the line, as last drawn.
        self._spans: list[tuple[int, int, int]] = []

    # -- which keys ----------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.keys = self._read_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not (self.is_attached and screen.app.app_focus and screen is self.screen):
            return  # (a footer being removed has no screen to ask)
        keys = self._read_keys()
        if keys != self.keys:
            self.keys = keys
            self._set_hover(None)
            self.refresh()

    def _read_keys(self) -> tuple[FooterKeyView, ...]:
        """The keys Textual's Footer would show: each action's first shown binding,
        in the screen's order, then the command palette's."""
        app = self.app
        active = self.screen.active_bindings
        keys: list[FooterKeyView] = []
        actions: set[str] = set()

        def view(binding: Binding, enabled: bool, tooltip: str, palette: bool) -> FooterKeyView:
            display = app.get_key_display(binding)
            return FooterKeyView(
                binding.key, display, binding.description, enabled, tooltip, palette
            )

        for _node, binding, enabled, tooltip in active.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            keys.append(view(binding, enabled, tooltip, palette=False))
        palette_key = active.get(app.COMMAND_PALETTE_BINDING)
        if app.ENABLE_COMMAND_PALETTE and palette_key is not None:
            _node, binding, enabled, _tooltip = palette_key
            tooltip = binding.tooltip or binding.description
            keys.append(view(binding, enabled, tooltip, palette=True))
        return tuple(keys)

    # -- drawing -------------------------------------------------------------------

    def _style(self, *layers: str) -> Style:
        """The Rich style of a part drawn on this widget under the given component
        layers, folded the way `DOMNode.rich_style` folds a widget's ancestors (kept
        for the rest of the paint)."""
        known = self._styles.get(layers)
        if known is not None:
            return known
        _, background = self.background_colors
        color = Color(255, 255, 255, 0)
        style = Style()
        for node in reversed(self.ancestors_with_self):
            if node.styles.has_rule("color"):
                color = node.styles.color
            style += node.styles.text_style
        for name in layers:
            layer = self.get_component_styles(name)
            if layer.has_rule("background"):
                background += layer.background
            if layer.has_rule("color"):
                color = layer.color
            style += layer.text_style
        style += Style.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )
        self._styles[layers] = style
        return style

    def _key_segments(self, index: int, key: FooterKeyView) -> list[Segment]:
        """One key as a FooterKey draws itself: the key, then its description."""
        item = ["ledger-footer--item"]
        if index == self._hover:
            item.append("ledger-footer--item-hover")
        if not key.enabled:
            item.append("ledger-footer--item-disabled")
        base = self._style(*item)
        key_style = base + self._style(*item, "ledger-footer--key")
        text_style = base + self._style(*item, "ledger-footer--description")
        if key.palette:  # compact: no padding round the key, a space before the text
            left = Segment(_BORDER, self._border_style(base))
            parts = [left, Segment(key.display, key_style)]
            if key.description:
                parts.append(Segment(f" {key.description}", text_style))
            return [*parts, Segment(" ", Style.from_color(bgcolor=base.bgcolor))]  # padding
        if not key.description:
            return [Segment(key.display, key_style)]
        return [Segment(f" {key.display} ", key_style), Segment(f"{key.description} ", text_style)]

    def _border_style(self, base: Style) -> Style:
        _, background = self.background_colors
        border = self.get_component_styles("ledger-footer--border").color
        return base + Style.from_color((background + border).rich_color, base.bgcolor)

    def render_line(self, y: int) -> Strip:
        self._styles = {}  # (the theme or the pointer may have changed since)
        width = self.size.width
        fill = Style.from_color(bgcolor=self._style().bgcolor)  # what the Footer shows
        self._spans = []
        if y:
            return Strip.blank(width, fill)
        drawn = [(i, self._key_segments(i, key)) for i, key in enumerate(self.keys)]
        docked = [(i, s) for i, s in drawn if self.keys[i].palette]
        left_width = max(width - sum(Segment.get_line_length(s) for _, s in docked), 0)
        line: list[Segment] = []
        x = 0
        for i, segments in drawn:
            if not self.keys[i].palette:  # left to right, cut where the docked key starts
                length = Segment.get_line_length(segments)
                self._spans.append((i, x, min(x + length, left_width)))
                line.extend(segments)
                x += length
        strips = [Strip(line).crop_extend(0, left_width, fill)]
        x = left_width
        for i, segments in docked:
            length = Segment.get_line_length(segments)
            self._spans.append((i, x, x + length))
            strips.append(Strip(segments))
            x += length
        return Strip.join(strips).crop_extend(0, width, fill).simplify()

    # -- mouse ---------------------------------------------------------------------

    def _key_at(self, x: int) -> int | None:
        return next((i for i, start, end in self._spans if start <= x < end), None)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            self._hover = index
            tooltip = self.keys[index].tooltip if index is not None else ""
            self.tooltip = tooltip or None
            self.refresh()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._key_at(event.x))

    def _on_leave(self, _: events.Leave) -> None:
        self._set_hover(None)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._key_at(event.x)
        if index is None:
            return
        key = self.keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
