"""Notes (issue 16): a note field in the expense and payment forms, saved through the
services' `note`, kept or cleared by an edit, shown in the transaction's detail as plain
text, and `note:` in the history search."""

from __future__ import annotations

import inspect

import pytest
from textual.widgets import Input, Select, Static

from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from splitledger.tui.history_query import HistoryQuery, parse_query
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.payment import PaymentScreen
from splitledger.tui.screens.transaction import TransactionScreen
from tests.tui.conftest import idle, make_app, open_history
from tests.tui.expense_pilot import fill, open_edit, open_form, text_of

BOLD, CLICK = "[bold]x[/]", "[@click=app.quit]q[/]"


def live_expense(ledger: Ledger) -> TxView:
    """The group's one expense not replaced nor deleted."""
    (tx,) = [t for t in ledger.history("Trip") if t.kind == "expense" and t.reversed_by is None]
    return tx


def detail_head(screen: TransactionScreen) -> str:
    return str(screen.query_one("#tx-head", Static).render())


async def test_an_expense_note_is_saved_and_shown_in_the_detail(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Rent", amount="900", note=f"for June {BOLD} {CLICK}")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        (tx,) = trip.history("Trip")
        assert tx.note == f"for June {BOLD} {CLICK}"
        app.push_screen(TransactionScreen(tx.id))
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, TransactionScreen)
        head = detail_head(screen)
        # Shown as typed: markup is characters, not a style nor an action.
        assert f"Note: for June {BOLD} {CLICK}" in head
        assert app.is_running


async def test_no_note_no_line_in_the_detail(trip: Ledger) -> None:
    tx = trip.record_expense("Trip", description="Taxi", amount="12", paid_by=[("ann", None)])
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        app.push_screen(TransactionScreen(tx.id))
        await idle(pilot)
        assert isinstance(app.screen, TransactionScreen)
        assert "Note:" not in detail_head(app.screen)


async def test_an_edit_opens_with_the_note_and_changes_or_clears_it(trip: Ledger) -> None:
    tx = trip.record_expense(
        "Trip", description="Rent", amount="900", paid_by=[("ann", None)], note="June"
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_edit(pilot, tx)
        assert form.query_one("#note", Input).value == "June"
        fill(form, note="June and July")
        await pilot.pause()
        assert "note: June → June and July" in text_of(form, "#changes")
        await pilot.press("ctrl+s")
        await idle(pilot)
        edited = live_expense(trip)
        assert edited.note == "June and July"
        assert [p.minor for p in edited.postings] == [p.minor for p in tx.postings]
        form = await open_edit(pilot, edited)
        fill(form, note="")
        await pilot.press("ctrl+s")
        await idle(pilot)
    cleared = live_expense(trip)
    assert cleared.note == ""
    assert cleared.description == "Rent"


async def test_a_refused_note_is_said_at_its_field_and_nothing_is_written(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        form = await open_form(pilot)
        fill(form, description="Rent", amount="900", note="a\x1b[31mred")
        await pilot.pause()
        assert "note" in text_of(form, "#note-error")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form
        fill(form, note="n" * 2001)  # (the input takes 2000 as typed; a value set: more)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form
        assert "2000" in text_of(form, "#note-error")
    assert trip.history("Trip") == []


async def test_a_payment_note_is_saved_apart_from_its_description(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        await pilot.press("p")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, PaymentScreen)
        form.query_one("#payer", Select).value = "bob"
        form.query_one("#payee", Select).value = "ann"
        form.query_one("#amount", Input).value = "20"
        form.query_one("#description", Input).value = "cash"
        form.query_one("#note", Input).value = f"at the station {BOLD}"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        (paid,) = trip.history("Trip", kind="payment")
        assert (paid.description, paid.note) == ("cash", f"at the station {BOLD}")
        app.push_screen(TransactionScreen(paid.id))
        await idle(pilot)
        assert isinstance(app.screen, TransactionScreen)
        assert f"Note: at the station {BOLD}" in detail_head(app.screen)


async def test_a_refused_payment_note_is_shown_under_the_note(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        await pilot.press("p")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, PaymentScreen)
        form.query_one("#payer", Select).value = "bob"
        form.query_one("#payee", Select).value = "ann"
        form.query_one("#amount", Input).value = "20"
        form.query_one("#note", Input).value = "x\u202eexe"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form
        error = form.query_one("#note-error", Static)
        assert error.display
        assert "note" in str(error.render())
    assert trip.history("Trip") == []


def test_note_is_a_search_filter() -> None:
    assert parse_query("rent note:june") == HistoryQuery(text="rent", note="june")
    assert parse_query("note:'first week'") == HistoryQuery(note="first week")
    assert "note" not in HistoryQuery(text="x").as_kwargs()  # not asked: not passed
    assert HistoryQuery(note="june").as_kwargs()["note"] == "june"
    with pytest.raises(Exception, match="note: needs a value"):
        parse_query("note:")


_HISTORY_TAKES_NOTE = "note" in inspect.signature(Ledger.history).parameters


@pytest.mark.skipif(not _HISTORY_TAKES_NOTE, reason="Ledger.history has no note filter yet")
async def test_the_history_finds_notes(trip: Ledger) -> None:
    for description, note in (("Rent", "June flat"), ("Power", ""), ("Water", "june bill")):
        trip.record_expense(
            "Trip", description=description, amount="10", paid_by=[("ann", None)], note=note
        )
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        history = await open_history(pilot)
        search = history.query_one("#search", Input)
        search.focus()
        search.value = "note:june"
        await pilot.press("enter")
        await idle(pilot)
        assert sorted(r.description for r in history.rows) == ["Rent", "Water"]
