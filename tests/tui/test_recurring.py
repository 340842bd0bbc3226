"""The Recurring bills screen (issue 16): the group's schedules as the services list
them, adding one from the expense form in repeat mode (the rule said in words as it is
typed), pausing, resuming, ending, and recording the due bills once each, never one
dated after today."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.commands import open_route
from splitledger.tui.recurring_rule import RuleInput, rule_of, rule_words
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.recurring import RecurringScreen
from splitledger.tui.screens.recurring_form import RecurringFormScreen
from tests.tui.conftest import TODAY, idle, make_app
from tests.tui.expense_pilot import fill, text_of

BOLD, CLICK = "[bold]x[/]", "[@click=app.quit]q[/]"


@pytest.fixture(autouse=True)
def _today(trip: Ledger) -> None:
    """The schedules' today is the app's (the tests' TODAY, 2026-06-10)."""
    trip.today_override = TODAY


def rent(ledger: Ledger, starts: dt.date = dt.date(2026, 1, 31), **more: object) -> int:
    view = ledger.add_schedule(
        "Trip",
        description="Rent",
        amount="900",
        paid_by=[("ann", None)],
        every="month",
        starts=starts,
        **more,  # type: ignore[arg-type]
    )
    return view.id


async def open_recurring(pilot: Pilot[None]) -> RecurringScreen:
    await idle(pilot)
    open_route(pilot.app, "recurring")  # type: ignore[arg-type]
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RecurringScreen)
    return screen


def status(screen: RecurringScreen) -> str:
    return str(screen.query_one("#recurring-status", Static).render())


async def test_the_screen_lists_the_schedules_as_the_services_do(trip: Ledger) -> None:
    rent(trip)
    trip.add_schedule(
        "Trip",
        description=f"{BOLD} {CLICK}",
        amount="12.5",
        paid_by=[("bob", None)],
        every="week",
        starts=dt.date(2026, 7, 1),
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_recurring(pilot)
        views = trip.schedules("Trip")
        assert screen.schedules == views
        assert [v.due for v in views] == [5, 0]  # 31 Jan, 28 Feb, 31 Mar, 30 Apr, 31 May
        assert "5 bills are due: r records them." in status(screen)
        assert views[0].next_date == dt.date(2026, 1, 31)
        assert "(the last day in shorter months)" in views[0].rule
        assert "Rent" in str(screen.query_one("#schedule-detail", Static).render())
        await pilot.press("down")
        await pilot.pause()
        detail = str(screen.query_one("#schedule-detail", Static).render())
        assert f"{BOLD} {CLICK}" in detail  # plain text, not markup nor an action
        assert app.is_running


async def test_record_due_records_each_once_and_nothing_later(trip: Ledger) -> None:
    rent(trip)
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_recurring(pilot)
        await pilot.press("r")
        await idle(pilot)
        assert "Nothing is due" in status(screen)
        await pilot.press("r")  # again: nothing more
        await idle(pilot)
    dates = sorted(t.date for t in trip.history("Trip"))
    assert dates == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
    ]
    assert trip.schedules("Trip")[0].next_date == dt.date(2026, 6, 30)  # not due: not recorded


async def test_pause_resume_and_end(trip: Ledger) -> None:
    sid = rent(trip, starts=dt.date(2026, 6, 30))
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_recurring(pilot)
        await pilot.press("p")
        await idle(pilot)
        assert trip.schedule(sid).status == "paused"
        assert screen.schedules[0].status == "paused"
        await pilot.press("p")
        await idle(pilot)
        assert trip.schedule(sid).status == "active"
        await pilot.press("x")
        await idle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await idle(pilot)
        assert isinstance(app.screen, RecurringScreen)
        assert trip.schedule(sid).status == "ended"
        assert trip.schedule(sid).ends_on == TODAY
        await pilot.press("p")  # an ended bill cannot be paused: said
        await idle(pilot)
        assert trip.schedule(sid).status == "ended"


async def test_add_a_monthly_bill_on_the_31st_from_the_expense_form(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_recurring(pilot)
        assert "No recurring bills yet" in status(screen)
        await pilot.press("a")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, RecurringFormScreen)
        fill(form, description="Rent", amount="900", date="2026-03-31", day_of_month="31")
        form.query_one("#count", Input).value = "3"
        await pilot.pause()
        words = text_of(form, "#rule-text")
        assert "every month on day 31 (the last day in shorter months)" in words
        assert "2026-03-31, 2026-04-30, 2026-05-31" in words
        assert "3 bills are due already" in words
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is screen
        assert len(screen.schedules) == 1
    (view,) = trip.schedules("Trip")
    assert (view.description, view.amount, view.every, view.count) == ("Rent", "900.00", "month", 3)
    assert view.day_of_month == 31
    assert view.starts == dt.date(2026, 3, 31)
    assert view.due == 3
    assert trip.history("Trip") == []  # adding records nothing


async def test_a_bad_rule_is_said_on_the_panel_and_nothing_is_added(trip: Ledger) -> None:
    app = make_app(trip)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_recurring(pilot)
        await pilot.press("a")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, RecurringFormScreen)
        fill(form, description="Gym", amount="30")
        form.query_one("#every", Select).value = "week"
        form.query_one("#day-of-month", Input).value = "31"
        await pilot.pause()
        assert "only for bills that repeat every month or year" in text_of(form, "#rule-error")
        form.query_one("#day-of-month", Input).value = ""
        form.query_one("#until", Input).value = "2026-12-31"
        form.query_one("#count", Input).value = "4"
        await pilot.pause()
        assert "not both" in text_of(form, "#rule-error")
        form.query_one("#until", Input).value = ""
        form.query_one("#count", Input).value = ""
        form.query_one("#interval", Input).value = "1001"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, RecurringFormScreen)
        assert "1000" in text_of(form, "#rule-error")
    assert trip.schedules("Trip") == []


async def test_an_archived_group_says_why_instead_of_opening_the_form(trip: Ledger) -> None:
    rent(trip)
    trip.archive_group("Trip")
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        app.group = trip.group("Trip")  # (as opening an archived group reads it)
        screen = await open_recurring(pilot)
        for key in ("a", "r", "p", "x"):
            await pilot.press(key)
            await idle(pilot)
            assert app.screen is screen, key
        said = [str(n.message) for n in app._notifications]
        assert sum("(g, v lists it, a)" in n for n in said) == 4
    assert trip.history("Trip") == []


def test_rule_words_list_the_first_dates_and_the_due_ones() -> None:
    rule = rule_of(RuleInput(every="month", day_of_month="last"), dt.date(2024, 1, 31))
    words = rule_words(rule, dt.date(2024, 3, 1))
    assert "every month on the last day" in words
    assert "2024-01-31, 2024-02-29, 2024-03-31, 2024-04-30" in words
    assert "2 bills are due already" in words
    rule = rule_of(RuleInput(every="year"), dt.date(2024, 2, 29))
    assert "2025-02-28" in rule_words(rule, dt.date(2024, 1, 1))  # not 1 March
    with pytest.raises(Exception, match="whole number"):
        rule_of(RuleInput(interval="2.5"), dt.date(2024, 1, 1))
