"""First run: an empty ledger offers to create a group or to load the demo trip."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from splitledger.tui.jobs import ledger_app, run_db
from splitledger.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from splitledger.services.views import GroupView

WELCOME = (
    "[b]Welcome to splitledger[/b]\n\n"
    "Split shared bills — flatmates, trips, clubs — on a double-entry ledger.\n"
    "This ledger has no groups yet."
)


class WelcomeScreen(Screen[None]):
    """Shown when the ledger holds no group."""

    # This screen's styles: parsed when it first opens, not when the app starts.
    DEFAULT_CSS = """
    #welcome {
        align: center middle;
        height: 1fr;
    }

    #welcome-text {
        width: 100%;
        content-align: center middle;
        text-align: center;
        margin-bottom: 1;
    }

    #welcome Center {
        height: auto;
        margin-bottom: 1;
    }
    """

    HELP_TEXT: ClassVar[str] = (
        "Create your first group (a name, its currency and its members), or load a demo "
        "trip to look around every screen with realistic data."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_group", "New group"),
        Binding("d", "demo", "Load demo"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="welcome"):
            yield Static(WELCOME, id="welcome-text")
            with Center():
                yield Button("Create a group  (n)", id="new-group", variant="primary")
            with Center():
                yield Button("Load the demo trip  (d)", id="demo")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-group":
            self.action_new_group()
        elif event.button.id == "demo":
            self.action_demo()

    def action_new_group(self) -> None:
        from splitledger.tui.screens.create_group import CreateGroupScreen

        self.app.push_screen(CreateGroupScreen(), self._created)

    def _created(self, group: GroupView | None) -> None:
        if group is not None:
            self.app.call_later(ledger_app(self).open_group, group)

    def action_demo(self) -> None:
        from splitledger.services.demo import DEMO_GROUP, load_demo

        self.notify("Loading the demo trip…", timeout=2)
        run_db(
            self,
            lambda ledger: load_demo(ledger, DEMO_GROUP),
            self._created,
            exclusive=True,
            group="demo",
            description="load demo",
        )
