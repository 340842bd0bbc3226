"""`Footer`: Textual's footer, rebuilt only when the keys it shows change.

Textual's footer rebuilds every key (a widget each, with its styles) each time the
screen's bindings may have changed: once for the screen's focus, once for the screen
stack, once when the terminal reports focus. A screen's start brings all three, one
after another, and each rebuild of the balances screen's eleven keys took ~20 ms of the
app's first ~200 ms (docs/performance-notes.md). The keys come out the same each time, so
this footer rebuilds only when what it would show differs from what it shows.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.widgets import Footer as TextualFooter


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
