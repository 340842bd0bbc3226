"""Textual's header, without laying the screen out again to show the same title.

Textual's `Header` sets its title from four watchers (the app's and the screen's title
and sub-title), each once when the header mounts and again when the screen's first
mount completes; every update of the title widget asked for a layout of the whole
screen. Opening a screen thus laid it out a third time, after it was already painted
(8 ms, and a frame later than need be). The title is one line that never wraps, so an
update never changes the layout; and an update to the same title changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle

if TYPE_CHECKING:
    from textual.app import ComposeResult


class _Title(HeaderTitle):
    """The header's title: repainted only when it changes, never laid out again."""

    _shown: VisualType | None = None

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        if content == self._shown:
            return
        first, self._shown = self._shown is None, content
        super().update(content, layout=layout or first)


class LedgerHeader(Header):
    """A `Header` (no clock) whose title updates cost a repaint at most."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield _Title()
        yield HeaderClockSpace()
