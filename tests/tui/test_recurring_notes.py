"""A recurring bill's note in the app (issue 16): the expense form in repeat mode shows
its Note field, and what is typed there is what is recorded: the schedule keeps it,
each bill a run records carries it, and the Recurring screen's detail line shows it as
plain text. A note the input policy refuses is said at the field and nothing is added."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.commands import open_route
from splitledger.tui.recurring_rule import schedule_fields
from splitledger.tui.screens.recurring import RecurringScreen, detail_text
from splitledger.tui.screens.recurring_form import RecurringFormScreen
from tests.tui.conftest import TODAY, idle, make_app
from tests.tui.expense_pilot import fill, text_of

NOTE = "[bold]standing order[/] [@click=app.quit]q[/]"


@pytest.fixture(autouse=True)
def _today(trip: Ledger) -> None:
    trip.today_override = TODAY


async def open_form(pilot: Pilot[None]) -> tuple[RecurringScreen, RecurringFormScreen]:
    await idle(pilot)
    open_route(pilot.app, "recurring")  # type: ignore[arg-type]
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RecurringScreen)
    await pilot.press("a")
    await idle(pilot)
    form = pilot.app.screen
    assert isinstance(form, RecurringFormScreen)
    return screen, form


async def test_a_note_typed_in_the_repeat_form_reaches_the_schedule_and_its_bills(
    trip: Ledger,
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        screen, form = await open_form(pilot)
        note = form.query_one("#note", Input)
        assert note.display
        assert note.parent is not None
        assert note.parent.display  # shown: what is typed there is recorded
        fill(form, description="Rent", amount="900", date="2026-04-30", count="2", note=NOTE)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is screen
        (view,) = trip.schedules("Trip")
        assert view.note == NOTE
        detail = str(screen.query_one("#schedule-detail", Static).render())
        assert f"note: {NOTE}" in detail  # plain text, not markup nor an action
        await pilot.press("r")
        await idle(pilot)
        assert app.is_running
    recorded = trip.history("Trip")
    assert len(recorded) == 2
    assert {trip.transaction(t.id).tx.note for t in recorded} == {NOTE}


async def test_a_refused_note_is_said_at_the_field_and_nothing_is_added(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        _, form = await open_form(pilot)
        fill(form, description="Rent", amount="900", note="a \u202e b")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, RecurringFormScreen)
        assert "note" in text_of(form, "#note-error")
    assert trip.schedules("Trip") == []


def test_the_detail_line_shows_a_long_note_clipped_and_none_without_one(trip: Ledger) -> None:
    view = trip.add_schedule(
        "Trip",
        description="Rent",
        amount="900",
        paid_by=[("ann", None)],
        every="month",
        starts=dt.date(2026, 1, 31),
        note="n" * 2000,
    )
    shown = detail_text(view).plain
    assert "note: " + "n" * 299 + "…" in shown
    assert "n" * 301 not in shown
    plain = trip.edit_schedule(view.id, from_date=dt.date(2026, 3, 1), note="")
    assert "note" not in detail_text(plain).plain


def test_schedule_fields_pass_the_forms_note() -> None:
    from splitledger.domain.recurrence import Rule

    rule = Rule("month", dt.date(2026, 1, 1))
    bill = {"description": "D", "amount": "1", "paid_by": [("ann", None)], "note": "x"}
    assert schedule_fields(bill, rule)["note"] == "x"  # type: ignore[arg-type]
    del bill["note"]
    assert "note" not in schedule_fields(bill, rule)  # type: ignore[arg-type]
