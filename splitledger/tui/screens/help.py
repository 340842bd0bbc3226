"""`?`: what the current screen is for and every key it answers to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

GENERAL = (
    "Everywhere: [b]Escape[/b] goes back · [b]q[/b] quits (outside a text field) · "
    "[b]ctrl+p[/b] opens the command palette · [b]ctrl+t[/b] switches light/dark · "
    "[b]Tab[/b] moves between fields. Amounts are exact: type 12.50 or 1,234.50."
)


class HelpScreen(ModalScreen[None]):
    """Help for the screen it was opened over."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def __init__(self, over: Screen[object]) -> None:
        super().__init__()
        self._over = over

    def compose(self) -> ComposeResult:
        about = str(getattr(self._over, "HELP_TEXT", ""))
        # The screen's and the app's own keys (not every scrolling key of every widget),
        # each description once, with all the keys that do it.
        found: dict[str, list[str]] = {}
        for active in self._over.active_bindings.values():
            binding = active.binding
            if active.node not in (self._over, self.app) or not binding.description:
                continue
            shown = self.app.get_key_display(binding)
            keys_of = found.setdefault(binding.description, [])
            if shown not in keys_of:
                keys_of.append(shown)
        # Plain text, never markup: escape() leaves "[ and ]" alone and the markup
        # parser then ate it ("←/→ (or ) step…" in the reports' help).
        keys = [
            Content.assemble((f"{', '.join(shown):>12}", "bold"), "  ", description)
            for description, shown in found.items()
        ]
        with VerticalScroll(classes="dialog", id="help"):
            yield Static("[b]Help[/b]", classes="dialog-title")
            if about:
                yield Static(about, classes="help-about", markup=False)
            yield Static(Content("\n").join(keys) if keys else "No keys here.", id="help-keys")
            yield Static(GENERAL, classes="help-about")
            yield Static("[dim]Escape or ? closes this help.[/]")

    def action_close(self) -> None:
        self.dismiss(None)
