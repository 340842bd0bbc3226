"""Errors under a form's fields: each field `F` has a `.field-error` Static `#F-error`
under it. An error is shown as plain text (it may quote what was typed), its field
focused, and both scrolled into view: at 80×24 a form may be scrolled."""

from __future__ import annotations

from textual.content import Content
from textual.dom import DOMNode
from textual.widgets import Static

from splitledger.tui.safe import plain


def show_field_error(
    form: DOMNode, slot: str, message: str | Content, *, focus: bool = True
) -> None:
    """`message` under `slot` (a field, or a slot for the whole form); with `focus`,
    the field `#slot` gets the focus."""
    line = form.query_one(f"#{slot}-error", Static)
    line.update(plain(message, lines=True) if isinstance(message, str) else message)
    line.display = True
    if focus:
        form.query_one(f"#{slot}").focus()
    form.call_after_refresh(line.scroll_visible, animate=False)


def clear_field_errors(form: DOMNode) -> None:
    for line in form.query(".field-error").results(Static):
        line.update("")
        line.display = False
