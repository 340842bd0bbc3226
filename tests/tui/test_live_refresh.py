"""Live refresh: a write by another connection to the same SQLite file shows up within
~2 s, and never disturbs a form being typed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from splitledger.tui.screens.history import HistoryScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from tests.tui.conftest import idle, make_app


@pytest.fixture(autouse=True)
def _fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SplitLedgerApp, "POLL_SECONDS", 0.1)


def write_elsewhere(target: Path | str) -> None:
    with Ledger.open(str(target), actor="friend") as other:
        other.record_expense(
            group="Trip", description="Wine", amount="30.00", paid_by=(("bob", None),)
        )


async def wait_for(pilot: Pilot[None], condition: object, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        await pilot.pause(0.05)
    return False


async def test_balances_follow_a_write_from_another_connection(trip: Ledger, db_path: Path) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.pause(0.3)  # the poll has seen the first token
        chart = app.screen.query_one(BalanceChart)
        assert chart.view is not None
        assert all(b.minor == 0 for b in chart.view.balances)
        write_elsewhere(db_path)

        def moved() -> bool:
            return chart.view is not None and any(b.minor for b in chart.view.balances)

        assert await wait_for(pilot, moved)
        assert {b.member: b.minor for b in chart.view.balances} == {
            "ann": -1000,
            "bob": 2000,
            "cy": -1000,
        }


async def test_history_follows_and_an_open_form_keeps_what_was_typed(
    trip: Ledger, db_path: Path
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("h")
        await idle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert history.rows == []
        await pilot.press("escape", "a")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        await pilot.press(*"Half-typed")
        await pilot.pause(0.3)
        write_elsewhere(db_path)
        await pilot.pause(0.5)
        assert app.screen is form
        assert form.query_one("#description", Input).value == "Half-typed"
        await pilot.press("escape", "h")
        await idle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert [t.description for t in history.rows] == ["Wine"]
        write_elsewhere(db_path)
        assert await wait_for(pilot, lambda: len(history.rows) == 2)


@pytest.mark.postgres
async def test_balances_follow_another_friend_on_postgresql(pg_url: str) -> None:
    with Ledger.open(pg_url, actor="tester") as ledger:
        ledger.create_group("Trip", "EUR", ["ann", "bob", "cy"])
        app = make_app(ledger)
        async with app.run_test(size=(80, 24)) as pilot:
            await idle(pilot)
            await pilot.pause(0.3)
            chart = app.screen.query_one(BalanceChart)
            write_elsewhere(pg_url)

            def moved() -> bool:
                return chart.view is not None and any(b.minor for b in chart.view.balances)

            assert await wait_for(pilot, moved)
