"""The Textual app. Screens arrive with the TUI issue; this shell starts and quits."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

WELCOME = (
    "[b]splitledger[/b]\n\n"
    "Shared bills on a double-entry ledger.\n"
    "The group screens are on their way; press [b]q[/b] to quit."
)


class SplitLedgerApp(App[None]):
    """Keyboard-first splitter over the ledger services."""

    TITLE = "splitledger"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]
    CSS = "#welcome { width: 100%; height: 1fr; content-align: center middle; }"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(WELCOME, id="welcome")
        yield Footer()
