"""The balances screen as of a date (issue 16): the date field (d), the end of last month
(e), back to today (Escape, or an empty date), the settle plan as of that date
(read-only), and a closed period shown and refused with the service's message."""

from __future__ import annotations

import datetime as dt

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from splitledger.services.ledger import Ledger
from splitledger.services.views import BalancesView
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.balances import BalancesScreen, end_of_last_month
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.settle import SettleScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from tests.tui.conftest import TODAY, idle, make_app
from tests.tui.expense_pilot import fill, open_form

GROUP = "Lisbon trip"
DAY = dt.date(2026, 6, 2)  # the demo's second day: some bills, not all


def home(app: SplitLedgerApp) -> BalancesScreen:
    screen = app.screen
    assert isinstance(screen, BalancesScreen)
    return screen


def shown(app: SplitLedgerApp) -> BalancesView:
    view = home(app).query_one(BalanceChart).view
    assert view is not None
    return view


def summary(app: SplitLedgerApp) -> str:
    return str(home(app).query_one("#summary", Static).render())


async def type_date(pilot: Pilot[None], text: str) -> None:
    await pilot.press("d")
    await idle(pilot)
    field = home(pilot.app).query_one("#as-of", Input)  # type: ignore[arg-type]
    assert field.has_focus
    field.value = text
    await pilot.press("enter")
    await idle(pilot)


def test_end_of_last_month() -> None:
    assert end_of_last_month(dt.date(2026, 3, 1)) == dt.date(2026, 2, 28)
    assert end_of_last_month(dt.date(2024, 3, 31)) == dt.date(2024, 2, 29)
    assert end_of_last_month(dt.date(2026, 1, 15)) == dt.date(2025, 12, 31)


async def test_a_typed_date_shows_the_balances_as_of_it_then_escape_returns_to_today(
    demo: Ledger,
) -> None:
    today = demo.balances(GROUP)
    then = demo.balances(GROUP, as_of=DAY)
    assert then.balances != today.balances  # (else the test could not fail)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert "As of" not in summary(app)
        await type_date(pilot, DAY.isoformat())
        assert shown(app) == then
        assert home(app).as_of == DAY
        assert f"As of {DAY.isoformat()}" in summary(app)
        assert "total spent" not in summary(app)  # (a report's figure: t shows it)
        await pilot.press("escape")
        await idle(pilot)
        assert home(app).as_of is None
        assert shown(app) == today
        assert "As of" not in summary(app)
        assert not home(app).query_one("#as-of-row").display


async def test_e_shows_the_end_of_last_month_and_an_empty_date_returns_to_today(
    demo: Ledger,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("e")
        await idle(pilot)
        assert home(app).as_of == dt.date(2026, 5, 31) == end_of_last_month(TODAY)
        # Before the demo's first bill: everyone at zero, nothing spent yet.
        assert shown(app) == demo.balances(GROUP, as_of=dt.date(2026, 5, 31))
        assert all(b.minor == 0 for b in shown(app).balances)
        assert "As of 2026-05-31" in summary(app)
        await type_date(pilot, "")
        assert home(app).as_of is None
        assert shown(app) == demo.balances(GROUP)


async def test_a_bad_date_is_said_under_the_field_as_plain_text(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        for text in ("2026-13-01", "[bold]x[/]", "[@click=app.quit]", "\x1b[31m\u202e"):
            await type_date(pilot, text)
            error = home(app).query_one("#as-of-error", Static)
            assert error.display
            said = str(error.render())
            assert "not a date" in said
            assert "\x1b" not in said
            assert "\u202e" not in said
            assert home(app).as_of is None
        assert shown(app) == demo.balances(GROUP)
        await type_date(pilot, DAY.isoformat())
        assert not home(app).query_one("#as-of-error", Static).display
        assert home(app).as_of == DAY


async def test_settling_as_of_a_date_plans_then_and_records_nothing(demo: Ledger) -> None:
    plan = demo.settle_up(GROUP, as_of=DAY)
    assert plan.transfers != demo.settle_up(GROUP).transfers
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await type_date(pilot, DAY.isoformat())
        await pilot.press("s")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, SettleScreen)
        assert screen.as_of == DAY
        assert screen.plan == list(plan.transfers)
        assert screen.query_one("#plan", DataTable).row_count == len(plan.transfers)
        title = str(screen.query_one(".screen-title", Static).render())
        assert f"as of {DAY.isoformat()}" in title
        assert "read-only" in title
        for key in ("p", "a", "e", "i"):
            await pilot.press(key)
            await idle(pilot)
            assert app.screen is screen, key  # no confirmation, no payment form
        await pilot.press("escape")
        await idle(pilot)
        # Back home, still as of the date; settling today's balances is as before.
        assert home(app).as_of == DAY
        await pilot.press("escape", "s")
        await idle(pilot)
        today = app.screen
        assert isinstance(today, SettleScreen)
        assert today.as_of is None
        await pilot.press("p")
        await idle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
    assert len(demo.history(GROUP, kind="payment")) == 1  # the demo's own


async def test_a_closed_period_is_shown_and_a_write_into_it_is_refused_plainly(
    demo: Ledger,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await idle(pilot)
        assert "Closed" not in summary(app)
        demo.close_period(GROUP, dt.date(2026, 6, 30))
        home(app).reload()
        await idle(pilot)
        assert "Closed through 2026-06-30" in summary(app)
        before = len(demo.history(GROUP))
        form = await open_form(pilot)
        fill(form, description="Late dinner", amount="30.00", date="2026-06-05")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert app.screen is form  # still open, with the reason said
        said = [(n.title, n.severity, n.message) for n in app._notifications]
        assert any(
            title == "Read-only" and severity == "error" and "2026-06-30" in message
            for title, severity, message in said
        ), said
        assert app.return_code is None
        assert app.is_running
    assert len(demo.history(GROUP)) == before


async def test_a_group_opened_closed_says_so_at_once(demo: Ledger) -> None:
    demo.close_period(GROUP, dt.date(2026, 6, 30))
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert "Closed through 2026-06-30" in summary(app)


async def test_the_palette_shows_the_balances_as_of_the_end_of_last_month_and_today(
    demo: Ledger,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        for typed, expected in (
            ("end of last month", dt.date(2026, 5, 31)),
            ("balances today", None),
        ):
            await pilot.press("ctrl+p")
            await idle(pilot)
            await pilot.press(*typed)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await idle(pilot)
            assert home(app).as_of == expected
        await pilot.press("ctrl+p")
        await idle(pilot)
        await pilot.press(*"as of a date")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await idle(pilot)
        assert home(app).query_one("#as-of", Input).has_focus
