"""Opening: first run, an existing group, a ledger that cannot be opened, help, palette,
themes and quitting."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from sqlalchemy import event
from textual.widgets import Static

from splitledger.services.ledger import Ledger
from splitledger.services.views import BalancesView, GroupView
from splitledger.tui.app import SplitLedgerApp
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

    def slow(self: Ledger) -> tuple[GroupView, BalancesView] | None:
        time.sleep(0.4)
        return first_screen(self)

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
    reads: list[object] = []
    event.listen(demo.engine, "begin", reads.append)
    first = demo.first_screen(on=TODAY)
    assert len(reads) == 1  # one transaction
    group = demo.groups()[0]
    assert first == (group, demo.balances(group.name, on=TODAY))
    demo.create_group("Zagreb", "USD", ["zed"])  # listed after "Lisbon trip": by name
    assert demo.first_screen(on=TODAY) == first


def test_the_first_screen_of_an_empty_ledger(ledger: Ledger) -> None:
    assert ledger.first_screen() is None


async def test_the_garbage_collector_is_back_on_once_the_first_screen_is_up(
    demo: Ledger, tmp_path: Path
) -> None:
    assert gc.isenabled()
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert gc.isenabled()  # off only from loading to the first paint
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(target=str(blocker / "ledger.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert gc.isenabled()  # and when opening fails
    assert gc.isenabled()
