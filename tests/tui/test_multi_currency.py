"""Groups with balances in several currencies: each currency is its own row, and the
indicative total in the group currency is shown, marked as an estimate."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from splitledger.services.ledger import Ledger
from splitledger.tui.widgets.balance_chart import BalanceChart
from tests.tui.conftest import idle, make_app


async def test_balances_show_each_currency_and_an_indicative_total(trip: Ledger) -> None:
    trip.record_expense(
        group="Trip", description="Taxi", amount="45", currency="USD", paid_by=(("bob", None),)
    )
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        chart = app.screen.query_one(BalanceChart)
        assert chart.view is not None
        assert {b.currency for b in chart.view.balances if b.minor} == {"USD"}
        note = str(app.screen.query_one("#indicative", Static).render())
        assert "no rate" in note  # no USD/EUR rate yet: nothing is guessed
    trip.add_rate("Trip", "USD", "EUR", "0.5", date=dt.date(2026, 1, 1))
    app = make_app(trip)
    async with app.run_test(size=(100, 30)) as pilot:
        await idle(pilot)
        note = str(app.screen.query_one("#indicative", Static).render())
        assert "Indicative in EUR" in note
        assert "bob +15.00 EUR" in note  # +30.00 USD at 0.5
        assert "not converted on the ledger" in note
