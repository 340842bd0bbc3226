"""The story of a bill in the app (issue 13): the history lists bills (an edited one
once, marked; deleted ones on request; the raw ledger entries on another key), the
detail screen lists every version of an expense's bill with what each change changed,
who made it and when, and `u` (ctrl+z) undoes the last deletion or edit made in the
app, once."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from splitledger.tui.screens.history import HistoryScreen
from splitledger.tui.screens.transaction import TransactionScreen
from splitledger.tui.widgets.lazy_table import LazyTable
from tests.tui.conftest import idle, make_app, open_history


@pytest.fixture
def dinner(trip: Ledger) -> TxView:
    """A dinner of 90.00 EUR, ann paid, split equally in three."""
    return trip.record_expense(
        group="Trip", description="Dinner", amount="90.00", paid_by=(("ann", None),)
    )


async def open_detail(pilot: Pilot[None], tx_id: int) -> TransactionScreen:
    await idle(pilot)
    await pilot.app.push_screen(TransactionScreen(tx_id))
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TransactionScreen)
    return screen


def versions_text(screen: TransactionScreen) -> str:
    return str(screen.query_one("#versions", Static).render())


def toasts(pilot: Pilot[None]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def test_detail_lists_every_version_with_its_changes(trip: Ledger, dinner: TxView) -> None:
    edited = trip.edit_expense(dinner.id, amount="120.00", category="food").tx
    assert edited is not None
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_detail(pilot, edited.id)
        assert [v.kind for v in screen.versions] == ["recorded", "edited"]
        text = versions_text(screen)
        assert f"1. recorded #{dinner.id}" in text
        assert f"2. edited #{edited.id}" in text
        assert "by tester" in text
        assert "amount: 90.00 EUR → 120.00 EUR" in text
        assert "category:" in text
        assert "→ food" in text
        assert "← this transaction" in text.split("\n2.")[1]  # the version shown
        # The first version's detail tells the same story.
        first = await open_detail(pilot, dinner.id)
        assert "← this transaction" in versions_text(first).split("\n2.")[0]


async def test_a_payment_has_no_versions(trip: Ledger) -> None:
    payment = trip.record_payment(group="Trip", payer="bob", payee="ann", amount="5.00")
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_detail(pilot, payment.id)
        assert screen.versions == ()
        assert not screen.query_one("#versions", Static).display


async def test_undo_a_deletion_once(trip: Ledger, dinner: TxView) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_detail(pilot, dinner.id)
        await pilot.press("d")
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        assert trip.transaction(dinner.id).tx.reversed_by is not None
        await pilot.press("u")
        await idle(pilot)
        assert any("Undone: the deletion of" in m and "Dinner" in m for m in toasts(pilot))
        versions = trip.bill_versions(dinner.id)
        assert [v.kind for v in versions] == ["recorded", "deleted", "restored"]
        # The detail shows both steps.
        assert [v.kind for v in screen.versions] == ["recorded", "deleted", "restored"]
        assert "restored (deletion undone)" in versions_text(screen)
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert "Nothing to undo" in toasts(pilot)[-1]
        assert len(trip.bill_versions(dinner.id)) == 3  # not deleted again


async def test_undo_an_edit_once(trip: Ledger, dinner: TxView) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_detail(pilot, dinner.id)
        await pilot.press("e")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        form.query_one("#mode", Select).value = "equal"
        form.query_one("#amount", Input).value = "120.00"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert not isinstance(app.screen, ExpenseFormScreen)
        assert [v.kind for v in trip.bill_versions(dinner.id)] == ["recorded", "edited"]
        await pilot.press("u")
        await idle(pilot)
        assert any("Undone: the edit of" in m for m in toasts(pilot))
        versions = trip.bill_versions(dinner.id)
        assert [v.kind for v in versions] == ["recorded", "edited", "undone"]
        back = versions[-1].definition
        assert back is not None
        assert back.amount == "90.00"
        await pilot.press("u")
        await idle(pilot)
        assert "Nothing to undo" in toasts(pilot)[-1]
        assert len(trip.bill_versions(dinner.id)) == 3


async def test_an_edit_that_recorded_nothing_undoes_the_change_before(
    trip: Ledger, dinner: TxView
) -> None:
    lunch = trip.record_expense(
        group="Trip", description="Lunch", amount="30.00", paid_by=(("bob", None),)
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_detail(pilot, lunch.id)
        await pilot.press("d", "y")
        await idle(pilot)
        await open_detail(pilot, dinner.id)
        await pilot.press("e")
        await idle(pilot)
        await pilot.press("escape")  # nothing typed: the form closes, nothing recorded
        await idle(pilot)
        await pilot.press("u")
        await idle(pilot)
        assert any("the deletion of #" in m and "Lunch" in m for m in toasts(pilot))
        assert trip.transaction(dinner.id).tx.reversed_by is None


async def test_nothing_to_undo_at_first(trip: Ledger, dinner: TxView) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_detail(pilot, dinner.id)
        await pilot.press("u")
        await idle(pilot)
        assert "Nothing to undo" in toasts(pilot)[-1]


async def test_undo_refused_by_the_ledger_says_why(trip: Ledger, dinner: TxView) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_detail(pilot, dinner.id)
        await pilot.press("d", "y")
        await idle(pilot)
        trip.undo(dinner.id)  # undone elsewhere meanwhile (the CLI)
        await pilot.press("u")
        await idle(pilot)
        assert any("already undone" in m for m in toasts(pilot))


# -- the history lists bills ---------------------------------------------------------


def cells(screen: HistoryScreen) -> list[str]:
    """The description cell of each row, as shown."""
    table = screen.query_one(LazyTable)
    return [table.get_row_at(i)[2].plain for i in range(table.row_count)]


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await idle(pilot)


async def test_history_lists_bills_edited_once_deleted_hidden(trip: Ledger, dinner: TxView) -> None:
    edited = trip.edit_expense(dinner.id, amount="120.00").tx
    assert edited is not None
    taxi = trip.record_expense(
        group="Trip", description="Taxi", amount="15.00", paid_by=(("bob", None),)
    )
    trip.reverse(taxi.id)
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        # One row for the dinner (its current version, marked), none for the taxi.
        assert [tx.id for tx in screen.rows] == [edited.id]
        assert cells(screen) == ["Dinner  edited"]
        await press(pilot, "s")  # show deleted
        assert [tx.id for tx in screen.rows] == [taxi.id, edited.id]
        assert cells(screen)[0] == "Taxi  deleted"
        assert "Deleted bills shown" in str(screen.query_one("#history-status", Static).render())
        await press(pilot, "s")
        assert [tx.id for tx in screen.rows] == [edited.id]


async def test_raw_toggle_shows_the_ledger_entries(trip: Ledger, dinner: TxView) -> None:
    edited = trip.edit_expense(dinner.id, amount="120.00").tx
    assert edited is not None
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        assert len(screen.rows) == 1
        await press(pilot, "r")
        assert [tx.kind for tx in screen.rows] == ["expense", "reversal", "expense"]
        assert [tx.id for tx in screen.rows] == [t.id for t in trip.history("Trip")]
        assert "Ledger entries" in str(screen.query_one("#history-status", Static).render())
        await press(pilot, "r")
        assert [tx.id for tx in screen.rows] == [edited.id]


async def test_undo_a_deletion_from_the_history(trip: Ledger, dinner: TxView) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await press(pilot, "d")
        await press(pilot, "y")
        assert screen.rows == []
        await press(pilot, "u")
        assert any("Undone: the deletion of" in m for m in toasts(pilot))
        (restored,) = screen.rows  # back, as a new version of the bill
        assert restored.replaces_id == dinner.id
        await press(pilot, "r")  # the ledger shows both steps
        kinds = [tx.kind for tx in screen.rows]
        assert kinds == ["expense", "reversal", "expense"]
        await press(pilot, "ctrl+z")
        assert "Nothing to undo" in toasts(pilot)[-1]


async def test_undo_an_edit_from_the_history(trip: Ledger, dinner: TxView) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        form.query_one("#mode", Select).value = "equal"
        form.query_one("#amount", Input).value = "120.00"
        await pilot.pause()
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert cells(screen) == ["Dinner  edited"]
        await press(pilot, "u")
        assert any("Undone: the edit of" in m for m in toasts(pilot))
        (back,) = screen.rows
        assert back.postings == dinner.postings
        await press(pilot, "u")
        assert "Nothing to undo" in toasts(pilot)[-1]
        assert len(trip.bill_versions(dinner.id)) == 3
