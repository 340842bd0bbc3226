"""Waiting with a word (issue 13, finding 5): a save that waits for another terminal's
lock says "saving… (another terminal is writing)" after half a second, and Escape
cancels it with nothing written; Escape on a form with changes asks first."""

from __future__ import annotations

import sqlite3
import time

from textual.pilot import Pilot
from textual.widgets import Input, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.jobs import SavingScreen
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from tests.tui.conftest import idle, make_app, until


def saying(app: SplitLedgerApp, text: str) -> bool:
    """The app shows the saving screen, and it says `text`."""
    screen = app.screen
    if not isinstance(screen, SavingScreen):
        return False
    return text in str(screen.query_one("#saving-text", Static).render())


async def open_filled_form(pilot: Pilot[None]) -> ExpenseFormScreen:
    await idle(pilot)
    await pilot.press("a")
    await idle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ExpenseFormScreen)
    form.query_one("#description", Input).value = "Wine"
    form.query_one("#amount", Input).value = "30"
    await idle(pilot)
    return form


async def test_a_waiting_save_says_so_and_escape_cancels_it(
    trip: Ledger, other: sqlite3.Connection
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await open_filled_form(pilot)
        other.execute("BEGIN IMMEDIATE")  # another terminal is writing
        started = time.monotonic()
        await pilot.press("ctrl+s")
        assert await until(pilot, lambda: saying(app, "Saving… (another terminal is writing)"))
        assert time.monotonic() - started >= 0.5  # not before half a second
        await pilot.press("escape")
        await idle(pilot)
        assert app.screen is form  # the form stays, with what was typed
        assert form.query_one("#description", Input).value == "Wine"
        assert any(n.message.startswith("Not saved: cancelled") for n in app._notifications)
        assert trip.history("Trip") == []
        other.execute("ROLLBACK")
        await pilot.press("ctrl+s")  # the same form, the same key: recorded once
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    assert [t.description for t in trip.history("Trip")] == ["Wine"]


async def test_escape_cancels_a_save_before_it_says_anything(
    trip: Ledger, other: sqlite3.Connection
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        form = await open_filled_form(pilot)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("ctrl+s", "escape")
        await idle(pilot)
        assert app.screen is form
        assert not any(isinstance(s, SavingScreen) for s in app.screen_stack)
        other.execute("ROLLBACK")
    assert trip.history("Trip") == []


async def test_a_quick_save_shows_nothing(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_filled_form(pilot)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert not any(isinstance(s, SavingScreen) for s in app.screen_stack)
    assert len(trip.history("Trip")) == 1


async def test_escape_on_a_changed_form_asks_before_discarding(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_filled_form(pilot)
        await pilot.press("escape")
        await idle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        question = str(dialog.query_one(".dialog-title", Static).render())
        assert question == "Discard this expense? Nothing is saved."
        await pilot.press("n")  # keep it
        await idle(pilot)
        assert app.screen is form
        assert form.query_one("#description", Input).value == "Wine"
        await pilot.press("escape")
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
    assert trip.history("Trip") == []


async def test_escape_on_an_untouched_form_just_leaves(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("a")
        await idle(pilot)
        assert isinstance(app.screen, ExpenseFormScreen)
        await pilot.press("escape")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
