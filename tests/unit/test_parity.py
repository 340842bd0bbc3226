"""Every use case of `Ledger` has a CLI command and a route in the app.

The use cases are the public methods of `Ledger`'s families (the `*Cases` classes of
`splitledger.services`), found by walking them: a method added to a family is a new
use case. `CLI` maps every command (walked from `splitledger.cli.main.COMMANDS` and their
sub-commands) to the use cases it runs; `APP` maps every use case to the app's routes
to it: a key (`Screen:action`, read from the screens' and the app's BINDINGS), a screen
(`screen:Name`), or a palette command (`palette:Title`, from `tui.commands`). The
allow-lists say, with a reason each, which use cases one face does without.

A use case added without routes fails here (`test_a_new_use_case_without_routes_fails`
shows it), as does a command or a route the tables do not know, or a table entry that
names nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import click
from textual.binding import Binding
from textual.screen import Screen

import splitledger.tui.screens as screens_package
from splitledger.cli.main import COMMANDS, load
from splitledger.services.core import LedgerCore
from splitledger.services.ledger import Ledger
from splitledger.tui import commands
from splitledger.tui.app import SplitLedgerApp

#: Every CLI command (as typed, sub-commands included) and the use cases it runs.
CLI: dict[str, tuple[str, ...]] = {
    "activity": ("activity",),
    "balances": ("balances",),
    "convert": ("convert",),
    "expense add": ("record_expense",),
    "expense edit": ("edit_expense",),
    "expense undo": ("undo",),
    "export": ("group", "rates", "iter_transactions"),
    "group create": ("create_group",),
    "group list": ("list_groups",),
    "group archive": ("archive_group",),
    "group unarchive": ("unarchive_group",),
    # close: --through closes; without it, the close in force and the earlier ones.
    "close": ("close_period", "closed_through", "period_closes"),
    "group rename": ("rename_group",),
    "history": ("history_page", "history"),
    "import": ("import_transactions",),
    "member add": ("add_members",),
    "member rename": ("rename_member",),
    "member remove": ("remove_member",),
    "payment add": ("record_payment",),
    "rate add": ("add_rate",),
    "rate import": ("import_rates_file", "import_rates"),
    "rate list": ("rates",),
    "report": ("spending_report",),
    # settle: the plan; --record records it; --in settles in one currency.
    "settle": ("settle_up", "settle_plan", "record_settlement", "settlement_under", "settle_in"),
    "tx reverse": ("reverse",),
    "tx show": ("transaction",),
    "verify": ("verify",),
    "recurring add": ("add_schedule",),
    "recurring list": ("schedules",),
    "recurring show": ("schedule",),
    "recurring pause": ("pause_schedule",),
    "recurring resume": ("resume_schedule",),
    "recurring end": ("end_schedule",),
    "recurring edit": ("edit_schedule",),
    "recurring run": ("run_recurring",),
}

#: Use cases the CLI does without, and why.
CLI_WITHOUT: dict[str, str] = {
    # The app's start: the first group and its balances in one read.
    "first_screen": "the app's first frame; a command reads what it prints",
    # Live refresh: a command prints once and ends.
    "watch_changes": "the app's live refresh",
    "change_token": "the app's live refresh",
    # The expense form's preview as you type; `expense add` prints what it records.
    "preview_expense": "the app's live preview",
    "preview_payment": "the payment form's live preview; `payment add` prints what it records",
    # The edit form starts from the bill as entered; `expense edit` changes the
    # options given, and `activity` lists every version's changes.
    "expense_definition": "the app's edit form",
    "bill_versions": "the app's transaction screen (the CLI: activity)",
    # The app's name for `list_groups` ('group list' runs that).
    "groups": "the same as list_groups, which 'group list' runs",
    # The app's offer at start; 'recurring run --dry-run' lists the same and more.
    "recurring_due": "the app's offer of the due bills at start",
}

#: Every use case and the app's routes to it (at least one must exist).
APP: dict[str, tuple[str, ...]] = {
    "create_group": ("WelcomeScreen:new_group", "GroupsScreen:new_group"),
    "add_members": ("MembersScreen:add",),
    "groups": ("BalancesScreen:groups", "palette:Groups"),
    "group": ("BalancesScreen:groups",),  # picking a group in the list opens it
    "rename_group": ("GroupsScreen:rename",),
    "rename_member": ("MembersScreen:rename",),
    "remove_member": ("MembersScreen:remove",),
    "record_expense": ("BalancesScreen:add_expense", "palette:Add expense"),
    "preview_expense": ("BalancesScreen:add_expense",),
    "preview_payment": ("BalancesScreen:payment",),
    "expense_definition": ("HistoryScreen:edit", "TransactionScreen:edit"),
    "edit_expense": ("HistoryScreen:edit", "TransactionScreen:edit"),
    "undo": ("HistoryScreen:undo", "TransactionScreen:undo"),
    "reverse": ("HistoryScreen:delete", "TransactionScreen:delete"),
    "transaction": ("screen:TransactionScreen",),  # Enter on a history row
    "bill_versions": ("screen:TransactionScreen",),
    "balances": ("screen:BalancesScreen",),
    "history": ("BalancesScreen:history", "palette:History"),
    "history_page": ("BalancesScreen:history",),  # the app pages `history` by keyset
    "settle_up": ("BalancesScreen:settle", "palette:Settle up"),
    "settle_plan": ("BalancesScreen:settle",),
    "record_settlement": ("SettleScreen:pay_one", "SettleScreen:pay_all"),
    "record_payment": (
        "SplitLedgerApp:open_route('payment')",
        "palette:Record a payment",
        "SettleScreen:payment",
    ),
    "settle_in": (
        "BalancesScreen:settle_in",
        "palette:Settle in one currency",
        "SettleInScreen:record",
    ),
    "convert": ("SettleInScreen:convert",),
    "rates": ("SplitLedgerApp:open_route('rates')", "palette:Exchange rates"),
    "add_rate": ("RatesScreen:add",),
    "import_rates_file": ("RatesScreen:import_file",),
    "import_rates": ("RatesScreen:import_file",),
    "import_transactions": ("SplitLedgerApp:open_route('import')", "palette:Import a file"),
    "iter_transactions": ("SplitLedgerApp:open_route('export')", "palette:Export the group"),
    "activity": ("BalancesScreen:activity", "palette:Activity", "screen:ActivityScreen"),
    "verify": ("palette:Check the ledger", "screen:VerifyScreen"),
    "spending_report": ("BalancesScreen:reports", "palette:Reports", "screen:ReportsScreen"),
    # The balances and the reports show the close in force.
    "closed_through": ("screen:BalancesScreen", "screen:ReportsScreen"),
    "archive_group": ("GroupsScreen:archive",),
    "unarchive_group": ("GroupsScreen:archive",),
    "schedules": (
        "SplitLedgerApp:open_route('recurring')",
        "palette:Recurring bills",
        "screen:RecurringScreen",
    ),
    "add_schedule": ("RecurringScreen:add",),
    "pause_schedule": ("RecurringScreen:pause",),
    "resume_schedule": ("RecurringScreen:pause",),
    "end_schedule": ("RecurringScreen:end",),
    "run_recurring": ("RecurringScreen:record_due",),
    # The offer above the balances when a group is shown (tui.due_offer).
    "recurring_due": ("screen:BalancesScreen",),
}

#: Use cases the app does without, and why.
APP_WITHOUT: dict[str, str] = {
    # Machinery of the app itself, not something a user asks for.
    "first_screen": "the app's start",
    "watch_changes": "the app's live refresh",
    "change_token": "the app's live refresh",
    # Issue 16, parts 4 and 5: the services first; the app's screens for them follow.
    "list_groups": "issue 16: the app's group list calls `groups` (the same, archived left out)",
    "close_period": "issue 16: the app's close action comes with its screens",
    "period_closes": "issue 16: the app shows the closed period with its screens",
    # The recurring screen lists every schedule with its details (`schedules`).
    "schedule": "the recurring screen shows each schedule from `schedules`",
    "edit_schedule": "issue 16: 'recurring edit' in the CLI; the app ends and adds anew",
    # A rerun of `settle --record --key K` answers with what the first run recorded; the
    # app's settle screen holds its plan and key while it is open, and retries with them.
    "settlement_under": "settle --record --key's retry in the CLI; the app retries in place",
}


def use_cases(ledger: type[Ledger] = Ledger) -> set[str]:
    """The public methods of `ledger`'s use-case families (not `LedgerCore`'s)."""
    core = set(dir(LedgerCore))
    found: set[str] = set()
    for family in ledger.__mro__:
        if not (
            family.__module__.startswith("splitledger.services.")
            and family.__name__.endswith("Cases")
        ):
            continue
        for name, value in vars(family).items():
            if name.startswith("_") or name in core:
                continue
            if callable(value) or isinstance(value, (classmethod, staticmethod)):
                found.add(name)
    return found


def cli_commands() -> set[str]:
    """Every runnable command, as typed ("expense add")."""

    def walk(command: click.Command, path: str) -> Iterator[str]:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, f"{path} {name}")
        else:
            yield path

    return {path for name in COMMANDS for path in walk(load(name), name)}


def screen_classes() -> dict[str, type]:
    """The app and every screen class of `splitledger.tui.screens`, by name."""
    found: dict[str, type] = {"SplitLedgerApp": SplitLedgerApp}
    for module in pkgutil.iter_modules(screens_package.__path__):
        loaded = importlib.import_module(f"{screens_package.__name__}.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Screen):
                found[value.__name__] = value
    return found


def bound_actions(cls: type) -> set[str]:
    """The actions `cls`'s BINDINGS (its own and inherited) run, as written."""
    actions: set[str] = set()
    for klass in cls.__mro__:
        for binding in vars(klass).get("BINDINGS", []):
            action = binding.action if isinstance(binding, Binding) else binding[1]
            actions.add(action.removeprefix("app.") if cls is SplitLedgerApp else action)
    return actions


def palette_titles() -> set[str]:
    return {title for title, _help, _action in (*commands.GROUP_COMMANDS, *commands.ROUTES)}


def route_exists(route: str, classes: dict[str, type], titles: set[str]) -> bool:
    kind, _, what = route.partition(":")
    if kind == "palette":
        return what in titles
    if kind == "screen":
        return what in classes
    cls = classes.get(kind)
    if cls is None or what not in bound_actions(cls):
        return False
    return callable(getattr(cls, f"action_{what.split('(')[0]}", None))


def problems(cases: set[str]) -> list[str]:
    """What breaks parity for `cases`: a use case without a CLI command or an app
    route, a command or a table entry the tables do not account for."""
    found: list[str] = []
    by_cli = {case for ran in CLI.values() for case in ran}
    for case in sorted(cases):
        if case not in by_cli and case not in CLI_WITHOUT:
            found.append(f"{case}: no CLI command runs it (add one, or to CLI_WITHOUT)")
        if not APP.get(case) and case not in APP_WITHOUT:
            found.append(f"{case}: no app route (add one to APP, or to APP_WITHOUT)")
    for table, name in ((by_cli, "CLI"), (set(APP), "APP"), (set(CLI_WITHOUT), "CLI_WITHOUT")):
        found += [f"{name} names {case!r}, not a use case" for case in sorted(table - cases)]
    found += [f"APP_WITHOUT names {c!r}, not a use case" for c in sorted(set(APP_WITHOUT) - cases)]
    commands_now = cli_commands()
    found += [f"command {c!r} is not in CLI" for c in sorted(commands_now - set(CLI))]
    found += [f"CLI names {c!r}, not a command" for c in sorted(set(CLI) - commands_now)]
    classes, titles = screen_classes(), palette_titles()
    for case, routes in sorted(APP.items()):
        found += [
            f"{case}: route {r!r} leads nowhere"
            for r in routes
            if not route_exists(r, classes, titles)
        ]
    return found


def test_every_use_case_has_a_cli_command_and_an_app_route() -> None:
    assert problems(use_cases()) == []


def test_the_allow_lists_are_not_stale() -> None:
    """A use case the app reaches is not also listed as one it does without."""
    assert set(APP) & set(APP_WITHOUT) == set()
    by_cli = {case for ran in CLI.values() for case in ran}
    assert by_cli & set(CLI_WITHOUT) == set()


def test_a_new_use_case_without_routes_fails() -> None:
    class FrobCases(LedgerCore):
        def frobnicate(self) -> None:
            """A use case nobody routed to."""

    FrobCases.__module__ = "splitledger.services.frob"

    class Grown(Ledger, FrobCases):
        pass

    cases = use_cases(Grown)
    assert "frobnicate" in cases
    found = problems(cases)
    assert "frobnicate: no CLI command runs it (add one, or to CLI_WITHOUT)" in found
    assert "frobnicate: no app route (add one to APP, or to APP_WITHOUT)" in found


def test_a_route_that_leads_nowhere_fails() -> None:
    classes, titles = screen_classes(), palette_titles()
    assert route_exists("BalancesScreen:history", classes, titles)
    assert route_exists("SplitLedgerApp:open_route('import')", classes, titles)
    assert not route_exists("BalancesScreen:frobnicate", classes, titles)
    assert not route_exists("palette:Frobnicate", classes, titles)
    assert not route_exists("screen:FrobScreen", classes, titles)
