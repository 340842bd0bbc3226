"""A one-line question: rename something, name a file. Returns the text or None."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from splitledger.tui.safe import VisibleHighlighter, plain, visible


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; Enter accepts, Escape cancels. The title, label and
    starting value may quote user text: they are shown plain and visible (so the value
    starts as shown: a caller compares the answer with `visible` of what it passed)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, label: str, value: str = "", *, action: str = "OK") -> None:
        super().__init__()
        self._title, self._label, self._value, self._action = title, label, value, action

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self._title, "b"), classes="dialog-title")
            yield Label(plain(self._label))
            yield Input(
                visible(self._value), id="answer", compact=True, highlighter=VisibleHighlighter()
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._action, id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)

    def _accept(self) -> None:
        answer = self.query_one("#answer", Input).value.strip()
        self.dismiss(answer or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
