"""Live refresh: a write by another connection shows up within a second (SQLite's
data_version, PostgreSQL's NOTIFY, or the poll when neither can be had), even one
landing in the first instant after the first screen was read (issue 13, finding 4), and
never disturbs a form being typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from splitledger.services.ledger import Ledger
from splitledger.services.reading import FirstScreen
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from splitledger.tui.screens.history import HistoryScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from tests.tui.conftest import idle, make_app, until


@pytest.fixture(autouse=True)
def _fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SplitLedgerApp, "POLL_SECONDS", 0.1)


def write_elsewhere(target: Path | str) -> None:
    with Ledger.open(str(target), actor="friend") as other:
        other.record_expense(
            group="Trip", description="Wine", amount="30.00", paid_by=(("bob", None),)
        )


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

        assert await until(pilot, moved)
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
        await pilot.press("escape")  # what was typed is thrown away only when confirmed
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        await pilot.press("h")
        await idle(pilot)
        followed = app.screen
        assert isinstance(followed, HistoryScreen)
        assert [t.description for t in followed.rows] == ["Wine"]
        write_elsewhere(db_path)
        assert await until(pilot, lambda: len(followed.rows) == 2)


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

            assert await until(pilot, moved)


def write_right_after_the_first_read(monkeypatch: pytest.MonkeyPatch, target: Path | str) -> None:
    """Another terminal records a payment the instant the app's first read returns,
    before the app has painted (let alone looked at) anything."""
    first_screen = Ledger.first_screen

    def then_a_write_elsewhere(self: Ledger, prefer: str | None = None) -> FirstScreen | None:
        first = first_screen(self, prefer=prefer)
        with Ledger.open(str(target), actor="friend") as other:
            other.record_payment(group="Trip", payer="ann", payee="bob", amount="5")
        return first

    monkeypatch.setattr(Ledger, "first_screen", then_a_write_elsewhere)


async def shows_the_payment(app: SplitLedgerApp, pilot: Pilot[None]) -> bool:
    def paid() -> bool:
        chart = app.screen.query(BalanceChart)
        view = chart.first().view if chart else None
        return view is not None and {b.member: b.minor for b in view.balances} == {
            "ann": 500,
            "bob": -500,
            "cy": 0,
        }

    return await until(pilot, paid)


async def test_a_write_right_after_the_first_read_is_shown(
    trip: Ledger, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_right_after_the_first_read(monkeypatch, db_path)
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await shows_the_payment(app, pilot)


@pytest.mark.postgres
async def test_a_write_right_after_the_first_read_is_shown_on_postgresql(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Ledger.open(pg_url, actor="tester") as ledger:
        ledger.create_group("Trip", "EUR", ["ann", "bob", "cy"])
        write_right_after_the_first_read(monkeypatch, pg_url)
        app = make_app(ledger)
        async with app.run_test(size=(80, 24)) as pilot:
            assert await shows_the_payment(app, pilot)


async def test_without_a_watch_the_poll_shows_writes(
    trip: Ledger, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Ledger, "watch_changes", lambda self: None)
    write_right_after_the_first_read(monkeypatch, db_path)
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await shows_the_payment(app, pilot)
        assert app._watch_stop is None  # the poll did it


async def test_the_first_look_finds_nothing_to_reload_when_nothing_was_written(
    trip: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token read with the first screen is the one later looks compare with: no
    second read of the balances when nothing changed."""
    reads: list[str] = []
    balances = Ledger.balances

    def counted(self: Ledger, group: str, **kwargs: object) -> object:
        reads.append(group)
        return balances(self, group, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "balances", counted)
    looked: list[object] = []
    change_token = Ledger.change_token

    def token(self: Ledger, group: str | None = None) -> tuple[object, ...]:
        looked.append(group)
        return change_token(self, group)

    monkeypatch.setattr(Ledger, "change_token", token)
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(pilot, lambda: bool(looked))  # the watch's first look
        await idle(pilot)
        assert reads == []


async def test_a_write_the_refresh_sees_before_the_first_screen_is_up_is_shown(
    trip: Ledger, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the live refresh can lose under load: its look lands after the first
    read but before the balances screen is on top, so no screen reloads then; the
    screen must then not trust the balances it was handed."""
    write_right_after_the_first_read(monkeypatch, db_path)
    push = SplitLedgerApp.push_screen

    def look_first(self: SplitLedgerApp, screen: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(screen, BalancesScreen) and self.ledger and self.group:
            name = self.group.name
            self._polled((name, self.ledger.change_token(name), None))
        return push(self, screen, *args, **kwargs)

    monkeypatch.setattr(SplitLedgerApp, "push_screen", look_first)
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await shows_the_payment(app, pilot)
