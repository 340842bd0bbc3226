"""Opening: first run, an existing group, a ledger that cannot be opened, help, palette,
themes and quitting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Static

from splitledger.services.ledger import Ledger
from splitledger.services.logs import log_file
from splitledger.services.views import BalancesView, GroupView
from splitledger.tui.app import SplitLedgerApp, crash_line
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.help import HelpScreen
from splitledger.tui.screens.settle import SettleScreen
from splitledger.tui.screens.welcome import WelcomeScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from tests.tui.conftest import TODAY, idle, make_app


async def test_empty_ledger_opens_on_the_welcome_and_quits_on_q(db_path: Path) -> None:
    app = make_app(target=str(db_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert db_path.exists()  # opened (and migrated) by the app, in a worker
        await pilot.press("q")
    assert app.return_code == 0


async def test_existing_group_opens_on_its_balances(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        chart = app.screen.query_one(BalanceChart)
        assert chart.view is not None
        text = str(chart.render())
        assert "Alice" in text
        assert "+313.09 EUR" in text
        assert "-175.81 EUR" in text
        summary = str(app.screen.query_one("#summary", Static).render())
        assert "1,409.50 EUR" in summary


async def test_unopenable_ledger_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(target=str(blocker / "ledger.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        status = str(app.query_one("#status", Static).render())
        assert "Cannot open the ledger" in status
        assert app.ledger is None
        await pilot.press("q")
    assert app.return_code == 0


async def test_help_lists_the_screen_keys_and_escape_closes_it(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("question_mark")
        await idle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys", Static).render())
        assert "Add expense" in keys
        assert "Settle up" in keys
        await pilot.press("escape")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)


async def test_help_shows_each_screens_text_as_written(demo: Ledger) -> None:
    """Help text is plain text: the reports' "(or [ and ])" was eaten as markup."""
    app = make_app(demo)
    async with app.run_test(size=(100, 40)) as pilot:
        await idle(pilot)
        await pilot.press("t")
        await idle(pilot)
        await pilot.press("question_mark")
        await idle(pilot)
        assert isinstance(app.screen, HelpScreen)
        about = " ".join(str(s.render()) for s in app.screen.query(".help-about"))
        assert "(or [ and ]) step to the period" in " ".join(about.split())


async def test_command_palette_runs_the_apps_actions(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+p")
        await idle(pilot)
        await pilot.press(*"settle up")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, SettleScreen)


@pytest.mark.parametrize(
    ("key", "title", "screen"),
    [
        ("ctrl+r", "Exchange rates", "splitledger.tui.screens.rates:RatesScreen"),
        ("ctrl+y", "Record a payment", "splitledger.tui.screens.payment:PaymentScreen"),
        (None, "Settle in one currency", "splitledger.tui.screens.settle_in:SettleInScreen"),
        ("ctrl+o", "Import a file", "splitledger.tui.screens.porting:ImportScreen"),
        ("ctrl+b", "Export the group", "splitledger.tui.screens.export:ExportScreen"),
    ],
)
async def test_every_route_opens_by_key_and_from_the_palette(
    demo: Ledger, key: str | None, title: str, screen: str
) -> None:
    import importlib

    module, _, name = screen.partition(":")
    wanted = getattr(importlib.import_module(module), name)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        if key is not None:
            await pilot.press(key)
            await idle(pilot)
            assert isinstance(app.screen, wanted)
            await pilot.press(key)  # not the same screen twice
            await idle(pilot)
            assert len([s for s in app.screen_stack if isinstance(s, wanted)]) == 1
            await pilot.press("escape")
            await idle(pilot)
            assert isinstance(app.screen, BalancesScreen)
        await pilot.press("ctrl+p")
        await idle(pilot)
        await pilot.press(*title)
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, wanted)


async def test_routes_need_a_group_except_the_import(ledger: Ledger) -> None:
    from splitledger.tui.screens.porting import ImportScreen

    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        for key in ("ctrl+r", "ctrl+y", "ctrl+b"):
            await pilot.press(key)
            await idle(pilot)
            assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+o")
        await idle(pilot)
        assert isinstance(app.screen, ImportScreen)


def test_importing_the_app_loads_no_route_screen() -> None:
    code = (
        "import sys; import splitledger.tui.app; "
        "print(sorted(m for m in sys.modules if m.startswith('splitledger.tui.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    for module in ("commands", "screens.porting", "screens.export", "screens.rates"):
        assert f"splitledger.tui.{module}'" not in out


async def test_theme_toggles_between_light_and_dark(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before
        await pilot.press("ctrl+t")
        assert app.theme == before


async def test_a_slow_ledger_says_it_is_opening(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_screen = Ledger.first_screen

    def slow(self: Ledger, prefer: str | None = None) -> tuple[GroupView, BalancesView] | None:
        time.sleep(0.4)
        return first_screen(self, prefer=prefer)

    monkeypatch.setattr(Ledger, "first_screen", slow)
    monkeypatch.setattr(SplitLedgerApp, "STATUS_DELAY", 0.05)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.2)
        status = str(app.query_one("#status", Static).render())
        assert "Opening the ledger" in status
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.screen.query_one(BalanceChart).view is not None


def test_the_first_screen_is_one_read_of_what_groups_and_balances_read(demo: Ledger) -> None:
    begun = demo.database.begun
    first = demo.first_screen(on=TODAY)
    assert demo.database.begun == begun + 1  # one transaction
    group = demo.groups()[0]
    assert first == (group, demo.balances(group.name, on=TODAY))
    demo.create_group("Zagreb", "USD", ["zed"])  # listed after "Lisbon trip": by name
    assert demo.first_screen(on=TODAY) == first


def test_the_first_screen_of_an_empty_ledger(ledger: Ledger) -> None:
    assert ledger.first_screen() is None


CRASHING_APP = """
import functools, sys
from splitledger.tui.app import SplitLedgerApp, crash_line
from splitledger.tui.screens.balances import BalancesScreen

def crash(self):
    raise RuntimeError("a bug [b]quoting[/b] \\x1b[31mtext")

BalancesScreen.on_mount = crash
SplitLedgerApp.run = functools.partialmethod(SplitLedgerApp.run, headless=True)
from splitledger.cli.main import main
sys.argv = ["splitledger", "--db", sys.argv[1]]
main()
"""


def test_an_unhandled_error_exits_1_and_names_the_log_holding_its_traceback(
    trip: Ledger, db_path: Path, tmp_path: Path
) -> None:
    """The app launched as `splitledger` would be; a bug ends it: status 1, one line on
    stderr naming the log file, the traceback in that file (not on the terminal)."""
    logs = tmp_path / "crash-logs"
    env = {**os.environ, "SPLITLEDGER_LOG_DIR": str(logs)}
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_APP, str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    log = logs / "splitledger.log"
    assert done.returncode == 1, done.stderr
    assert done.stderr.endswith(f"The details are in {log}\n")
    (line,) = done.stderr.splitlines()
    assert "RuntimeError: a bug [b]quoting[/b] ␛[31mtext" in line
    assert "Traceback" not in done.stderr
    entries = [json.loads(entry) for entry in log.read_text(encoding="utf-8").splitlines()]
    crash = next(e for e in entries if e["event"] == "tui.unexpected")
    assert crash["level"] == "error"
    assert "in crash" in crash["error"]
    assert "RuntimeError: a bug" in crash["error"]


async def test_an_unhandled_error_ends_the_app_with_return_code_1(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(self: SettleScreen) -> None:
        raise ZeroDivisionError("planned")

    monkeypatch.setattr(SettleScreen, "action_copy", crash)
    app = make_app(demo)

    async def copy_the_plan() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await idle(pilot)
            await pilot.press("s")
            await idle(pilot)
            await pilot.press("c")
            await idle(pilot)

    with pytest.raises(ZeroDivisionError):  # (a test run re-raises it)
        await copy_the_plan()
    assert app.return_code == 1
    assert isinstance(app.crash, ZeroDivisionError)
    assert crash_line(app.crash).endswith(f"The details are in {log_file()}")
