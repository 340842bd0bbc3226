"""The app's actions in Textual's command palette (ctrl+p), and the screens every use
case has that the balances screen has no key for (`ROUTES`, also app keys).

Each screen is imported when it is opened, never when the palette or the app loads
(the app's start must not pay for them; tests/tui/test_first_frame.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.screen import Screen

    from splitledger.tui.app import SplitLedgerApp

#: (title, help, action on the group's home screen)
GROUP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Add expense", "Record a new shared expense", "add_expense"),
    ("History", "Search and filter the group's transactions", "history"),
    ("Settle up", "The fewest transfers that settle everyone", "settle"),
    ("Members", "Add, rename or remove members", "members"),
    ("Groups", "Switch, create or rename groups", "groups"),
    ("Balances as of a date", "Type a date: the balances of everything dated by then", "as_of"),
    ("Balances as of the end of last month", "And settling up as of then", "end_of_last_month"),
    ("Balances today", "Back from a date to today's balances", "today"),
)

#: (title, help, route): screens opened over the current one (`open_route`); most are
#: also an app key (`SplitLedgerApp.BINDINGS`: action `open_route('NAME')`).
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("Exchange rates", "The group's rates: list, add one, import a rates file", "rates"),
    ("Record a payment", "One member paid another (all or part of a debt)", "payment"),
    (
        "Settle in one currency",
        "Convert the other currencies, then the fewest transfers in one",
        "settle_in",
    ),
    ("Import a file", "A Splitwise CSV or a JSON backup: checked, then imported", "import"),
    ("Export the group", "CSV, JSON backup, hledger or beancount, to a file", "export"),
    ("Activity", "What happened in the group, newest first: who, when, what changed", "activity"),
    ("Check the ledger", "Every transaction balances and is as recorded (verify)", "verify"),
    ("Reports", "Spending by month, category and member, as bar charts", "reports"),
    (
        "Recurring bills",
        "Bills that repeat: list, add, pause, end, record the due ones",
        "recurring",
    ),
)
ROUTE_NAMES = frozenset(route for _title, _help, route in ROUTES)


def route_screen(app: SplitLedgerApp, name: str) -> Screen[Any] | None:
    """The screen of route `name` for the current group (None, said, without one:
    only an import can make a group, and the ledger check needs none)."""
    group = app.group
    if name == "import":
        from splitledger.tui.screens.porting import ImportScreen

        return ImportScreen(group)
    if name == "verify":
        from splitledger.tui.screens.verify import VerifyScreen

        return VerifyScreen()  # the whole ledger, any group or none
    if group is None:
        app.notify("Create or load a group first.", severity="warning")
        return None
    if name == "rates":
        from splitledger.tui.screens.rates import RatesScreen

        return RatesScreen(group)
    if name == "payment":
        from splitledger.tui.read_only import refuse_write

        if refuse_write(app):
            return None
        if len(group.members) < 2:
            app.notify("A payment needs two members (m adds them).", severity="warning")
            return None
        from splitledger.tui.screens.payment import PaymentScreen

        return PaymentScreen(group)
    if name == "settle_in":
        from splitledger.tui.screens.settle_in import SettleInScreen

        return SettleInScreen(group)
    if name == "export":
        from splitledger.tui.screens.export import ExportScreen

        return ExportScreen(group)
    if name == "activity":
        from splitledger.tui.screens.activity import ActivityScreen

        return ActivityScreen(group)
    if name == "reports":
        from splitledger.tui.screens.reports import ReportsScreen

        return ReportsScreen(group)
    if name == "recurring":
        from splitledger.tui.screens.recurring import RecurringScreen

        return RecurringScreen(group)
    raise ValueError(f"no route {name!r}")


def open_route(app: SplitLedgerApp, name: str) -> None:
    """Open route `name` over the current screen (not over the same screen again)."""
    screen = route_screen(app, name)
    if screen is None:
        return
    if type(app.screen) is type(screen):
        return  # already there
    app.push_screen(screen)


class LedgerCommands(Provider):
    """splitledger's own commands."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("SplitLedgerApp", self.app)
        found: list[tuple[str, str, Callable[[], object]]] = [
            (title, help_text, partial(app.run_group_action, action))
            for title, help_text, action in GROUP_COMMANDS
        ]
        found.extend(
            (title, help_text, partial(open_route, app, route))
            for title, help_text, route in ROUTES
        )
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
