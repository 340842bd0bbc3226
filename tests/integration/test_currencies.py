"""Multi-currency groups on real databases: rates, conversions on the ledger, settling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from splitledger import domain
from splitledger.services.errors import IdempotencyConflict, InvalidInput
from splitledger.services.ledger import Ledger

DAY = dt.date(2026, 11, 1)


def _by(ledger: Ledger, group: str = "Trip") -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances(group).balances}


@pytest.fixture
def world_trip(trip: Ledger) -> Ledger:
    """Dinner in BDT, hotel in EUR, flight in USD; rates into EUR."""
    trip.record_expense(
        group="Trip",
        description="Dinner",
        amount="1800",
        currency="BDT",
        paid_by=[("ann", None)],
        date=DAY,
    )
    trip.record_expense(
        group="Trip", description="Hotel", amount="300", paid_by=[("bob", None)], date=DAY
    )
    trip.record_expense(
        group="Trip",
        description="Flight",
        amount="450.00",
        currency="USD",
        paid_by=[("cy", None)],
        date=DAY,
    )
    trip.add_rate("Trip", "EUR", "BDT", "130.5", date=DAY)
    trip.add_rate("Trip", "USD", "EUR", "0.92", date=DAY)
    return trip


def test_balances_are_per_currency_with_indicative_totals(world_trip: Ledger) -> None:
    view = world_trip.balances("Trip", on=DAY)
    assert {c for (_, c) in _by(world_trip)} == {"BDT", "EUR", "USD"}
    for currency in ("BDT", "EUR", "USD"):
        assert sum(v for (_, c), v in _by(world_trip).items() if c == currency) == 0
    # ann: +1200 BDT, -100 EUR, -150 USD  => 1200/130.5 - 100 - 150*0.92 EUR
    expected = round((Decimal(120000) / Decimal("130.5")) - 10000 - 15000 * Decimal("0.92"))
    assert view.indicative["ann"] == expected
    assert world_trip.balances("Trip", on=DAY - dt.timedelta(days=1)).indicative["ann"] is None


def test_convert_everyone_then_settle_in_the_group_currency(world_trip: Ledger) -> None:
    with pytest.raises(InvalidInput, match="no BDT/EUR rate on or before 2026-10-31"):
        world_trip.convert("Trip", date=DAY - dt.timedelta(days=1))
    views = world_trip.convert("Trip", date=DAY, key="conv-1")
    assert {v.kind for v in views} == {"conversion"}
    assert [v.description for v in views] == [
        "Convert BDT to EUR at 1 EUR = 130.5 BDT",
        "Convert USD to EUR at 1 USD = 0.92 EUR",
    ]
    after = _by(world_trip)
    assert {c for (_, c), v in after.items() if v} == {"EUR"}
    view = world_trip.balances("Trip")
    assert view.exchange == ()  # a whole-group conversion leaves the exchange at zero
    assert sum(v for (_, c), v in after.items() if c == "EUR") == 0
    again = world_trip.convert("Trip", date=DAY, key="conv-1")
    assert [v.id for v in again] == [v.id for v in views]
    with pytest.raises(IdempotencyConflict):
        world_trip.convert("Trip", date=DAY + dt.timedelta(days=1), key="conv-1")
    plan = world_trip.settle_plan("Trip")
    assert {t.currency for t in plan} == {"EUR"}
    world_trip.record_settlement("Trip", plan)
    assert set(_by(world_trip).values()) == {0}
    assert world_trip.verify().ok


def test_partial_conversions_block_settling_until_the_rest_is_converted(world_trip: Ledger) -> None:
    world_trip.convert("Trip", member="ann", date=DAY)
    assert world_trip.balances("Trip").exchange != ()
    with pytest.raises(InvalidInput, match="partly converted"):
        world_trip.settle_plan("Trip")
    world_trip.add_rate("Trip", "EUR", "BDT", "140", date=DAY + dt.timedelta(days=5))
    world_trip.add_rate("Trip", "USD", "EUR", "0.95", date=DAY + dt.timedelta(days=5))
    views = world_trip.convert("Trip", date=DAY + dt.timedelta(days=6))
    assert any(v.description.startswith("Exchange difference") for v in views)
    assert world_trip.balances("Trip").exchange == ()
    plan = world_trip.settle_plan("Trip")
    world_trip.record_settlement("Trip", plan)
    assert set(_by(world_trip).values()) == {0}
    assert world_trip.verify().ok
    history = world_trip.history("Trip", kind="conversion")
    assert len(history) >= 3
    exchange = domain.exchange_account("BDT", "EUR")
    assert exchange in {p.member for t in history for p in t.postings}
    assert world_trip.group("Trip").members == ("ann", "bob", "cy")


def test_rates_are_history_not_edits(trip: Ledger) -> None:
    trip.add_rate("Trip", "eur", "usd", "1.08", date=DAY)
    trip.add_rate("Trip", "EUR", "USD", "1.080", date=DAY)  # the same rate: nothing new
    with pytest.raises(InvalidInput, match="already recorded"):
        trip.add_rate("Trip", "EUR", "USD", "1.09", date=DAY)
    with pytest.raises(InvalidInput, match="greater than zero"):
        trip.add_rate("Trip", "EUR", "USD", "0", date=DAY)
    with pytest.raises(InvalidInput, match="two different currencies"):
        trip.add_rate("Trip", "EUR", "EUR", "1", date=DAY)
    added = trip.import_rates(
        "Trip",
        [
            domain.Rate(DAY, "EUR", "USD", Decimal("1.08")),
            domain.Rate(DAY + dt.timedelta(days=1), "GBP", "EUR", Decimal("1.17")),
        ],
        source="rates.csv",
    )
    assert added == (1, 1)
    assert [(r.base, r.quote, r.rate) for r in trip.rates("Trip")] == [
        ("EUR", "USD", "1.08"),
        ("GBP", "EUR", "1.17"),
    ]


def test_member_names_cannot_impersonate_exchange_accounts(ledger: Ledger) -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        ledger.create_group("X", "EUR", ["exchange:EUR-USD"])
