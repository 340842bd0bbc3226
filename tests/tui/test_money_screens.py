"""The app's money screens (issue 15): rates (list, add, import a file), settling in one
currency (a preview that is what gets recorded, once), and payments by hand (from the
balances, or a plan line made partial)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from splitledger.services.ledger import Ledger
from splitledger.services.views import PostingView, TxView
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.payment import PaymentScreen
from splitledger.tui.screens.rates import RatesScreen
from splitledger.tui.screens.settle import SettleScreen
from splitledger.tui.screens.settle_in import SettleInScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from tests.tui.conftest import TODAY, idle, make_app
from tests.tui.money_trip import MEMBERS, TRIP, money_trip
from tests.tui.test_hostile_text import (
    ANN,
    BOB,
    CLICK,
    EVE,
    GROUP,
    HANAKO,
    LONG_NAME,
    ZOE,
    hostile,  # noqa: F401 - the fixture
    look,
)
from tests.tui.test_hostile_text import press as hostile_press


@pytest.fixture
def travel(ledger: Ledger) -> Ledger:
    return money_trip(ledger)


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await idle(pilot)
        await pilot.press(key)
    await idle(pilot)


def text_of(screen: object, selector: str) -> str:
    assert isinstance(screen, (RatesScreen, SettleInScreen, PaymentScreen, SettleScreen))
    return str(screen.query_one(selector, Static).render())


def signature(txs: tuple[TxView, ...] | list[TxView]) -> list[tuple[object, ...]]:
    return sorted((t.kind, t.description, t.date, sorted(map(tuple_of, t.postings))) for t in txs)


def tuple_of(posting: PostingView) -> tuple[str, str, int]:
    return (posting.member, posting.currency, posting.minor)


# -- rates -----------------------------------------------------------------------------


async def test_rates_are_listed_newest_first_and_a_rate_is_added(travel: Ledger) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "r")
        screen = app.screen
        assert isinstance(screen, RatesScreen)
        table = screen.query_one("#rates", DataTable)
        assert table.row_count == 4
        assert [r.date for r in screen.rates] == sorted(
            (r.date for r in screen.rates), reverse=True
        )
        await press(pilot, "a")
        assert screen.focused is screen.query_one("#base", Input)
        assert screen.query_one("#quote", Input).value == "EUR"  # the group's, by default
        assert screen.query_one("#date", Input).value == TODAY.isoformat()
        screen.query_one("#base", Input).value = "chf"
        screen.query_one("#rate", Input).value = "1.05"
        screen.query_one("#date", Input).focus()
        await press(pilot, "enter", "enter")  # a repeated Enter adds the rate once
        assert table.row_count == 5
        assert (screen.rates[0].date, screen.rates[0].base, screen.rates[0].rate) == (
            TODAY,
            "CHF",
            "1.05",
        )
    assert len(travel.rates(TRIP)) == 5


async def test_a_bad_rate_is_refused_at_its_field(travel: Ledger) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "r", "a")
        screen = app.screen
        assert isinstance(screen, RatesScreen)
        for field, value, slot in [
            ("rate", "-3", "rate"),
            ("base", "EUR", "rate"),  # EUR to EUR: the services say so about the rate
            ("base", "XX", "base"),
            ("quote", "ZZZ", "quote"),
            ("date", "10/06/2026", "date"),
        ]:
            screen.query_one("#base", Input).value = "USD"
            screen.query_one("#rate", Input).value = "0.9"
            screen.query_one("#date", Input).value = TODAY.isoformat()
            screen.query_one(f"#{field}", Input).value = value
            screen.add_rate()
            await idle(pilot)
            error = screen.query_one(f"#{slot}-error", Static)
            assert error.display, (field, value)
            assert str(error.render())
            assert screen.focused is screen.query_one(f"#{slot}", Input)
    assert len(travel.rates(TRIP)) == 4


async def test_a_rates_file_is_imported_with_a_summary(travel: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "date,base,quote,rate\n2026-06-01,USD,EUR,0.92\n2026-06-05,USD,EUR,0.91\n"
        "2026-06-05,GBP,EUR,1.16\n",
        encoding="utf-8",
    )
    app = make_app(travel)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "r", "i")
        screen = app.screen
        assert isinstance(screen, RatesScreen)
        screen.query_one("#path", Input).value = str(path)
        await press(pilot, "enter")
        result = text_of(screen, "#import-result")
        assert "Recorded 2 rates from" in result
        assert "(1 was already there)" in result
        assert screen.query_one("#rates", DataTable).row_count == 6
    assert len(travel.rates(TRIP)) == 6


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("date,base,quote,rate\n2026-06-01,USD,EUR,0.92\n2026-13-01,GBP,EUR,1.1\n", "row 3"),
        ("date,base,quote,rate\n2026-06-01,USD,EUR,0.92\n2026-06-02,GBP,GBP,1\n", "row 3"),
        ("when,from,to,rate\n", "row 1"),
        (None, "cannot read"),
    ],
)
async def test_a_bad_rates_file_imports_nothing_and_names_the_row(
    travel: Ledger, tmp_path: Path, content: str | None, said: str
) -> None:
    path = tmp_path / "[@click=app.quit]rates.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    app = make_app(travel)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "r", "i")
        screen = app.screen
        assert isinstance(screen, RatesScreen)
        screen.query_one("#path", Input).value = str(path)
        await press(pilot, "enter")
        result = text_of(screen, "#import-result")
        assert result.startswith("Nothing imported:")
        assert said in result
        assert "[@click=app.quit]rates.csv" in result  # the path as typed, not markup
    assert len(travel.rates(TRIP)) == 4


# -- settling in one currency --------------------------------------------------------


async def open_settle_in(pilot: Pilot[None], *keys: str) -> SettleInScreen:
    await press(pilot, *keys)
    screen = pilot.app.screen
    assert isinstance(screen, SettleInScreen)
    return screen


async def test_the_settle_in_preview_is_what_is_recorded(travel: Ledger) -> None:
    before = len(travel.history(TRIP, limit=500))
    app = make_app(travel)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_settle_in(pilot, "i")
        assert screen.shown is not None
        assert screen.shown.outcome is not None
        preview = screen.shown.outcome
        assert len(preview.conversions) == 2
        assert travel.history(TRIP, limit=500).__len__() == before  # a preview records nothing
        shown = text_of(screen, "#settle-in-preview")
        assert "Convert GBP to EUR at 1 GBP = 1.17 EUR" in shown
        assert "Convert USD to EUR at 1 USD = 0.92 EUR" in shown
        assert "Chen    +756.00 GBP → +884.52 EUR" in shown
        assert "Balances after converting" in shown
        for t in preview.plan.transfers:
            assert f"{t.payer} pays {t.payee}" in shown
        await press(pilot, "s")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert screen.shown.outcome is not None
        assert "nobody owes anybody" in text_of(screen, "#settle-in-preview")
        said = [n.message for n in app._notifications]
        assert (
            f"Recorded 2 conversion entries and {len(preview.plan.transfers)} payments in EUR."
            in said
        )
        assert not any("changed after the preview" in m for m in said)
    recorded = travel.history(TRIP, limit=500)
    conversions = [t for t in recorded if t.kind == "conversion"]
    payments = [t for t in recorded if t.kind == "payment"]
    assert signature(conversions) == signature(preview.conversions)
    assert signature(payments) == signature(preview.payments)
    assert len(payments) == len(preview.plan.transfers)
    assert all(b.minor == 0 for b in travel.balances(TRIP).balances)


async def test_a_retried_settle_in_records_once(travel: Ledger, db_path: Path) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle_in(pilot, "i")
        assert screen.shown is not None
        # As if a first confirm committed but its answer was lost: same preview, same key.
        with Ledger.open(str(db_path), actor="other") as other:
            other.settle_in(TRIP, "EUR", record=True, date=TODAY, key=screen.shown.key)
        count = len(travel.history(TRIP, limit=500))
        await press(pilot, "s", "y")
        assert len(travel.history(TRIP, limit=500)) == count
    assert all(b.minor == 0 for b in travel.balances(TRIP).balances)


async def test_convert_only_records_the_conversions_and_no_payment(travel: Ledger) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle_in(pilot, "i")
        await press(pilot, "c", "y")
        assert "Nothing to convert: every balance is in EUR" in text_of(
            screen, "#settle-in-preview"
        )
        await press(pilot, "c")  # nothing left to convert: no question
        assert app.screen is screen
    assert len(travel.history(TRIP, kind="conversion")) == 2
    assert travel.history(TRIP, kind="payment") == []
    assert {b.currency for b in travel.balances(TRIP).balances if b.minor} == {"EUR"}


async def test_another_currency_can_be_picked(travel: Ledger) -> None:
    travel.add_rate(TRIP, "GBP", "USD", "1.27", date=dt.date(2026, 6, 1))  # no cross rates
    app = make_app(travel)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_settle_in(pilot, "s", "i")  # from the settle screen
        select = screen.query_one("#currency", Select)
        assert screen._choices == ["EUR", "GBP", "USD"]
        select.value = "USD"
        await idle(pilot)
        assert screen.shown is not None
        assert screen.shown.outcome is not None
        assert {t.currency for t in screen.shown.outcome.plan.transfers} == {"USD"}
        assert "Convert EUR to USD" in text_of(screen, "#settle-in-preview")


async def test_a_missing_rate_is_named_and_leads_to_the_rates(trip: Ledger) -> None:
    trip.record_expense(
        group="Trip", description="Taxi", amount="45", currency="USD", paid_by=(("bob", None),)
    )
    count = len(trip.history("Trip"))
    app = make_app(trip)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_settle_in(pilot, "i")
        shown = text_of(screen, "#settle-in-preview")
        assert "Cannot settle in EUR" in shown
        assert "USD/EUR" in shown or "EUR/USD" in shown
        assert "rates screen" in shown
        await press(pilot, "s")  # nothing to confirm: a warning, nothing recorded
        assert app.screen is screen
        assert any("rates screen" in n.message for n in app._notifications)
        await press(pilot, "r")
        rates = app.screen
        assert isinstance(rates, RatesScreen)
        rates.query_one("#base", Input).value = "USD"
        rates.query_one("#rate", Input).value = "0.5"
        rates.query_one("#date", Input).value = "2026-01-01"
        rates.add_rate()
        await press(pilot, "escape")
        assert app.screen is screen  # back, with the preview read again
        assert screen.shown is not None
        assert screen.shown.outcome is not None
    assert len(trip.history("Trip")) == count


# -- payments by hand ----------------------------------------------------------------


async def test_a_partial_payment_from_a_plan_line(travel: Ledger) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "s")
        settle = app.screen
        assert isinstance(settle, SettleScreen)
        line, before = settle.plan[0], list(settle.plan)
        owed_before = {(m, c): a for m, c, a in settle.basis}
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, PaymentScreen)
        assert form.prefill == line
        assert form.query_one("#payer", Select).value == line.payer
        assert form.query_one("#payee", Select).value == line.payee
        assert form.query_one("#currency", Input).value == line.currency
        assert form.focused is form.query_one("#amount", Input)
        half = line.minor // 2
        form.query_one("#amount", Input).value = f"{half / 100:.2f}"
        form.query_one("#description", Input).value = "half now, half later"
        await press(pilot, "ctrl+s")
        assert app.screen is settle  # back, and the plan read again
        assert isinstance(settle, SettleScreen)  # (for mypy: `is` narrowed it to a Screen)
        assert settle.plan != before
        assert settle.plan == list(travel.settle_up(TRIP).transfers)
        owed = {(m, c): a for m, c, a in settle.basis}
        payee, payer = (line.payee, line.currency), (line.payer, line.currency)
        assert owed[payee] == owed_before[payee] - half  # half of the line is paid
        assert owed[payer] == owed_before[payer] + half
    [paid] = travel.history(TRIP, kind="payment")
    assert paid.description == "half now, half later"
    assert paid.date == TODAY
    assert sorted(p.minor for p in paid.postings) == [-half, half]


async def test_a_payment_from_the_balances_in_another_currency(travel: Ledger) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "p")
        form = app.screen
        assert isinstance(form, PaymentScreen)
        assert form.query_one("#payer", Select).value is Select.NULL  # empty: nothing guessed
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert form.query_one("#payer-error", Static).display
        form.query_one("#payer", Select).value = "Farah"
        form.query_one("#payee", Select).value = "Farah"
        form.query_one("#amount", Input).value = "20"
        form.query_one("#currency", Input).value = "usd"
        await press(pilot, "ctrl+s")
        assert app.screen is form  # a member cannot pay themselves
        assert form.query_one("#payee-error", Static).display
        assert form.focused is form.query_one("#payee", Select)
        form.query_one("#payee", Select).value = "Bruno"
        form.query_one("#date", Input).value = "yesterday"
        await press(pilot, "ctrl+s")
        assert form.query_one("#date-error", Static).display
        form.query_one("#date", Input).value = "2026-06-09"
        form.query_one("#amount", Input).value = "12.345"
        await press(pilot, "ctrl+s")
        assert form.query_one("#amount-error", Static).display
        form.query_one("#amount", Input).value = "20.00"
        await press(pilot, "ctrl+s", "ctrl+s")  # twice: recorded once
        balances = app.screen
        assert isinstance(balances, BalancesScreen)
        chart = balances.query_one(BalanceChart)
        assert chart.view is not None
        farah = {(b.member, b.currency): b.minor for b in chart.view.balances}
        assert farah[("Farah", "USD")] == -4886 + 2000  # the balances were read again
    [paid] = travel.history(TRIP, kind="payment")
    assert paid.date == dt.date(2026, 6, 9)
    assert {(p.member, p.currency, p.minor) for p in paid.postings} == {
        ("Farah", "USD", 2000),
        ("Bruno", "USD", -2000),
    }


async def test_the_payment_form_fits_80x24_with_its_errors(travel: Ledger) -> None:
    app = make_app(travel)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "p")
        form = app.screen
        assert isinstance(form, PaymentScreen)
        form.query_one("#payer", Select).value = MEMBERS[0]
        form.query_one("#payee", Select).value = MEMBERS[9]
        form.query_one("#description", Input).value = "x" * 400 + "\x1b[31m"
        form.query_one("#amount", Input).value = "5"
        await press(pilot, "ctrl+s")
        error = form.query_one("#description-error", Static)
        assert error.display
        assert str(error.render())
        assert form.focused is form.query_one("#description", Input)
        body = form.query_one("#payment-form")
        top, bottom = (
            body.scroll_offset.y,
            body.scroll_offset.y + body.scrollable_content_region.height,
        )
        assert top <= error.virtual_region.y < bottom  # its error is on screen
    assert travel.history(TRIP, kind="payment") == []


# -- hostile names ---------------------------------------------------------------------


async def test_hostile_names_are_plain_on_the_money_screens(hostile: Ledger) -> None:  # noqa: F811
    hostile.record_expense(
        group=GROUP,
        description="[b]taxi[/b]",
        amount="30",
        currency="USD",
        paid_by=((ANN, None),),
        date=dt.date(2026, 6, 2),
    )
    hostile.add_rate(GROUP, "USD", "EUR", "0.9", date=dt.date(2026, 6, 1))
    app = make_app(hostile)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await look(pilot, BalancesScreen, GROUP)
        await hostile_press(pilot, "p")
        form = app.screen
        await look(pilot, PaymentScreen, f"Record a payment in {GROUP}")
        assert isinstance(form, PaymentScreen)
        form.query_one("#payer", Select).value = EVE
        form.query_one("#payee", Select).value = LONG_NAME
        form.query_one("#amount", Input).value = "1.00"
        form.query_one("#description", Input).value = CLICK
        await look(pilot, PaymentScreen, "Records: eve␛[31m�RED", "長い名前")
        await hostile_press(pilot, "ctrl+s")
        await look(pilot, BalancesScreen, GROUP)
        assert any("eve␛[31m" in n.message for n in app._notifications)
        await hostile_press(pilot, "s", "e")
        await look(pilot, PaymentScreen, "From the plan: ")
        await hostile_press(pilot, "escape", "i")
        # (The 500-character name makes a settle-up payment's description too long.)
        await look(pilot, SettleInScreen, f"Settle {GROUP} in one currency", "Cannot settle")
        await hostile_press(pilot, "r")
        await look(pilot, RatesScreen, f"Exchange rates of {GROUP}", "1 USD")
    [paid] = hostile.history(GROUP, kind="payment")
    assert paid.description == CLICK
    assert {p.member for p in paid.postings} == {EVE, LONG_NAME}


async def test_markup_names_in_a_settle_in_preview(ledger: Ledger) -> None:
    group = "[@click=app.quit]T[/]"
    ledger.create_group(group, "EUR", [ANN, BOB, HANAKO, ZOE])
    ledger.record_expense(
        group=group, description="Taxi", amount="40", currency="USD", paid_by=((BOB, None),)
    )
    ledger.add_rate(group, "USD", "EUR", "0.9", date=dt.date(2026, 6, 1))
    app = make_app(ledger)
    async with app.run_test(size=(120, 40)) as pilot:
        await hostile_press(pilot, "i")
        text = await look(pilot, SettleInScreen, f"Settle {group} in one currency")
        for name in (ANN, HANAKO, ZOE):
            assert f"{name} " in text
        assert "[link=file:///etc/passw…  +30.00 USD → +27.00 EUR" in text  # cut to its column
        assert f"{ANN} pays {BOB} 9.00 EUR" in text  # the plan: whole names
