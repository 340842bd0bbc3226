"""The Note field of the expense and payment forms, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from splitledger.tui.safe import VisibleHighlighter


def note_row(value: str = "") -> ComposeResult:
    """The Note field and its error line: free text up to the ledger's 2000 characters
    (`domain.MAX_NOTE`), shown as typed (`VisibleHighlighter`)."""
    with Horizontal(classes="form-row"):
        yield Label("Note", classes="form-label")
        yield Input(
            value,
            id="note",
            placeholder="optional: anything to remember about it",
            compact=True,
            max_length=2000,
            highlighter=VisibleHighlighter(),
        )
    yield Static(id="note-error", classes="field-error")
