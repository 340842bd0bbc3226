"""A ten-member group that spent in three currencies (EUR, USD, GBP), with rates: the
data of the money screens' tests and snapshots (fixed dates, so pictures are stable)."""

from __future__ import annotations

import datetime as dt

from splitledger.services.ledger import Ledger

TRIP = "Andes & Isles"
MEMBERS = ["Ana", "Bruno", "Chen", "Dmitri", "Eun-ji", "Farah", "Gus", "Hanna", "Ivo", "Jo"]
DAY = dt.date(2026, 6, 2)


def money_trip(ledger: Ledger) -> Ledger:
    """`TRIP` in EUR: dinners in EUR, taxis in USD, a hotel in GBP; USD and GBP rates
    to EUR (an older and a newer one each)."""
    ledger.create_group(TRIP, "EUR", MEMBERS)
    spent = [
        ("Dinner in Cusco", "412.50", "EUR", "Ana", MEMBERS),
        ("Taxis to the airport", "96.00", "USD", "Bruno", MEMBERS[:6]),
        ("Hotel in Edinburgh", "840.00", "GBP", "Chen", MEMBERS),
        ("Boat tour", "230.00", "USD", "Dmitri", MEMBERS[3:]),
        ("Groceries", "61.80", "EUR", "Eun-ji", MEMBERS[::2]),
    ]
    for index, (what, amount, currency, payer, sharing) in enumerate(spent):
        ledger.record_expense(
            group=TRIP,
            description=what,
            amount=amount,
            currency=currency,
            paid_by=((payer, None),),
            participants=tuple((m, None) for m in sharing),
            date=DAY + dt.timedelta(days=index),
            key=f"money-trip:{index}",
        )
    ledger.add_rate(TRIP, "USD", "EUR", "0.93", date=dt.date(2026, 5, 1))
    ledger.add_rate(TRIP, "USD", "EUR", "0.92", date=dt.date(2026, 6, 1))
    ledger.add_rate(TRIP, "GBP", "EUR", "1.18", date=dt.date(2026, 5, 1))
    ledger.add_rate(TRIP, "GBP", "EUR", "1.17", date=dt.date(2026, 6, 1))
    return ledger
