"""A yes/no question before anything that cannot be taken back quietly."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from splitledger.tui.safe import plain


class ConfirmScreen(ModalScreen[bool]):
    """Returns True on y / Yes, False on n / Escape / No. The question may quote user
    text: it is shown plain and visible. With `yes=None` it is a notice: one OK button,
    and every key that closes it returns False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, *, yes: str | None = "Yes", no: str = "No") -> None:
        super().__init__()
        self._question, self._yes, self._no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self._question, lines=True), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                if self._yes is not None:
                    yield Button(f"{self._yes} (y)", id="yes", variant="error", compact=True)
                    yield Button(f"{self._no} (n)", id="no", compact=True)
                else:
                    yield Button("OK", id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer and self._yes is not None)
