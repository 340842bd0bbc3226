"""Textual's footer, without the rebuilds that show the same keys again.

Textual's `Footer` composes nothing when mounted, then rebuilds all its keys (one widget
each) on every bindings signal: focus moving, a screen pushed or popped, even on screens
that are hidden under another one. Opening a screen rebuilt its footer three times and
the hidden screen's footer once; each key also restyled itself twice while mounting (a
"compact" class added, then removed). That was a third of the work of opening the
history. This footer shows exactly the same keys, but composes them when mounted, and
rebuilds only when the keys it would show differ from those it shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

#: What the footer shows for one key: the inputs of `Footer.compose`.
Shown = tuple[tuple[object, ...], ...]


class LedgerFooter(Footer):
    """A `Footer` that rebuilds only when the keys it would show change."""

    def __init__(self) -> None:
        super().__init__()
        # The keys are known when the footer mounts: compose them then, not after a
        # first signal (which would mount an empty footer and rebuild it at once).
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: Shown | None = None
        self._pending = False

    def _keys(self) -> Shown:
        """Everything `Footer.compose` reads from the screen's active bindings."""
        app = self.app
        return tuple(
            (
                key,
                binding.key,
                binding.action,
                binding.description,
                binding.show,
                binding.group,
                binding.tooltip,
                app.get_key_display(binding),
                enabled,
                tooltip,
            )
            for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == app.COMMAND_PALETTE_BINDING
        )

    def compose(self) -> ComposeResult:
        self._pending = False
        self._shown = self._keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Give each key its final "compact" state before it mounts, so mounting
                # does not restyle it twice (Textual's default True, then the footer's).
                bound = "compact" in (widget._reactive_connect or {})
                compact = self.compact if bound else True
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus or self._pending:
            return
        if not (self.is_attached and screen is self.screen and screen.is_current):
            return  # a hidden screen refreshes its keys when it is shown again
        if self._keys() == self._shown:
            return
        self._pending = True
        self.call_after_refresh(self.recompose)
