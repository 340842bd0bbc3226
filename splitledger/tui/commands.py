"""The app's actions in Textual's command palette (ctrl+p)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from splitledger.tui.app import SplitLedgerApp

#: (title, help, action on the group's home screen or None for an app action)
_GROUP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Add expense", "Record a new shared expense", "add_expense"),
    ("History", "Search and filter the group's transactions", "history"),
    ("Settle up", "The fewest transfers that settle everyone", "settle"),
    ("Members", "Add or rename members", "members"),
    ("Groups", "Switch, create or rename groups", "groups"),
)


class LedgerCommands(Provider):
    """splitledger's own commands."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("SplitLedgerApp", self.app)
        found: list[tuple[str, str, Callable[[], object]]] = [
            (title, help_text, partial(app.run_group_action, action))
            for title, help_text, action in _GROUP_COMMANDS
        ]
        found.append(("Toggle light/dark theme", "Switch the colours", app.action_toggle_theme))
        found.append(("Keys and help", "What this screen does and its keys", app.action_help))
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
