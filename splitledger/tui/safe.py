"""User text on its way to the terminal: always plain, always visible.

Plain: names, descriptions, categories and messages that quote them are never parsed as
markup (`[@click=app.quit]` or `[link=...]` typed as a description stays those
characters), so the app builds such lines as `Content` or Rich `Text` from pieces, never
as a markup string. Visible: text stored by an older version may hold escape sequences,
C1 controls, bidi overrides or zero-width characters; `visible` replaces each with a
visible stand-in before it reaches a widget (new text is refused by the services).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.highlighter import Highlighter
from rich.text import Text
from textual.content import Content

from splitledger.domain import visible

if TYPE_CHECKING:
    from rich.console import JustifyMethod

__all__ = ["VisibleHighlighter", "clip", "plain", "plain_text", "visible", "visible_lines"]


def visible_lines(text: str) -> str:
    """`visible`, line by line: a message's line breaks stay line breaks (a line break
    never reaches the terminal as such: the widget lays the lines out)."""
    return "\n".join(map(visible, text.split("\n"))) if "\n" in text else visible(text)


def plain(text: str, style: str = "", *, lines: bool = False) -> Content:
    """`text` as plain content (no markup), with `style` over all of it; with `lines`,
    its line breaks are kept as such (a message of several lines) rather than shown."""
    shown = visible_lines(text) if lines else visible(text)
    return Content.styled(shown, style) if style else Content(shown)


def plain_text(text: str, style: str = "", *, justify: JustifyMethod | None = None) -> Text:
    """`text` as a plain Rich `Text` (for tables), with `style` over all of it."""
    return Text(visible(text), style=style, justify=justify, end="")


def clip(text: str, length: int = 60) -> str:
    """`text` visible and at most `length` characters (an ellipsis marks a cut), for
    one-line messages that quote a description or a name."""
    shown = visible(text)
    return shown if len(shown) <= length else shown[: length - 1] + "…"


class VisibleHighlighter(Highlighter):
    """For `Input`: shows what is typed or pasted with control, bidi and invisible
    characters as visible stand-ins (one for one, so the cursor stays in place); the
    value itself is unchanged, and the services name what they refuse in it."""

    def highlight(self, text: Text) -> None:
        if not text.plain.isprintable():
            text.plain = visible(text.plain)
