"""Fixtures for more than one module of tests/integration."""

from __future__ import annotations

import datetime as dt

import pytest

from splitledger.services.ledger import Ledger
from tests.integration.recurring_bills import TODAY


@pytest.fixture
def flat(trip: Ledger) -> Ledger:
    """The Trip group (ann, bob, cy) with the schedules taking TODAY for today (the
    recurring-bill tests; a module's own `flat` takes precedence)."""
    trip.today_override = TODAY
    return trip


#: The day `world_trip`'s bills and rates are dated.
WORLD_DAY = dt.date(2026, 11, 1)


@pytest.fixture
def world_trip(trip: Ledger) -> Ledger:
    """Trip with a dinner in BDT (ann), a hotel in EUR (bob) and a flight in USD (cy) on
    WORLD_DAY, and the rates of that day into EUR."""
    for description, amount, currency, payer in (
        ("Dinner", "1800", "BDT", "ann"),
        ("Hotel", "300", "EUR", "bob"),
        ("Flight", "450.00", "USD", "cy"),
    ):
        trip.record_expense(
            "Trip", description=description, amount=amount, currency=currency,
            paid_by=[(payer, None)], date=WORLD_DAY,
        )  # fmt: skip
    trip.add_rate("Trip", "EUR", "BDT", "130.5", date=WORLD_DAY)
    trip.add_rate("Trip", "USD", "EUR", "0.92", date=WORLD_DAY)
    return trip
