"""`Footer`: Textual's footer, rebuilt only when the keys it shows change.

Textual's footer rebuilds every key (a widget each, with its styles) each time the
screen's bindings may have changed: once for the screen's focus, once for the screen
stack, once when the terminal reports focus. A screen's start brings all three, one
after another, and each rebuild of the balances screen's eleven keys took ~20 ms of the
app's first ~200 ms (docs/performance-notes.md). The keys come out the same each time, so
this footer rebuilds only when what it would show differs from what it shows.

It also fits its width. Textual's footer cuts the row at the terminal's edge, and the
keys it cuts are the app's own, last in the row: the balances screen lost "q Quit" and
"? Help" at 80 columns and half of "? Help" at 120; the itemised receipt lost "esc
Cancel" and "^s Save" to its ticking keys. This footer hides keys from the right until
the rest fits, and never hides the way back, save, quit or help (which lists every key,
hidden or not).
"""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Footer as TextualFooter

#: The keys that stay when the row is too narrow for all: the way back (escape), save,
#: quit and help, which names every other key.
KEPT_KEYS = frozenset({"escape", "ctrl+s", "q", "question_mark"})


class Footer(TextualFooter):
    """A footer that skips a rebuild which would show the same keys."""

    _shown: Hashable = None

    def _keys(self) -> Hashable:
        """What `compose` shows: every shown binding with its key display, whether it
        is enabled and its tooltip, and the settings that change the layout."""
        app = self.app
        bindings = tuple(
            (binding, app.get_key_display(binding), enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )
        return (
            bindings,
            self.compact,
            self.show_command_palette,
            self.combine_groups,
            app.ENABLE_COMMAND_PALETTE,
            app.COMMAND_PALETTE_BINDING,
        )

    async def recompose(self) -> None:
        keys = self._keys() if self.is_attached else None
        if keys is not None and keys == self._shown:
            return
        await super().recompose()
        # Nothing shown yet (the bindings were not ready): the next call rebuilds.
        self._shown = keys if self.children else None
        self.fit()

    def _on_resize(self, event: events.Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Show the keys that fit the row: the kept keys always, then the others from
        the left while they fit."""
        keys = list(self.query_children("FooterKey"))  # Textual keeps its class private
        room = self.size.width
        for key in keys:
            if key.has_class("-command-palette"):
                room -= key_width(key)
        wanted = [k for k in keys if not k.has_class("-command-palette")]
        kept = [k for k in wanted if getattr(k, "key", None) in KEPT_KEYS]
        room -= sum(key_width(k) for k in kept)
        for key in wanted:
            if key in kept:
                key.display = True
                continue
            width = key_width(key)
            key.display = width <= room
            if key.display:
                room -= width
            else:
                room = -1  # keep the order: nothing after a hidden key shows


def key_width(key: Widget) -> int:
    """The cells `key` takes: what it renders (key, description, their padding), its
    own padding and border (the palette's key has both) and its margin."""
    styles = key.styles
    content = key.get_content_width(Size(0, 0), Size(0, 0))
    return content + styles.gutter.width + styles.margin.width
