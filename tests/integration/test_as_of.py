"""Balances and settle-up as of a date (issue 16): the rules in examples. The property
on random ledgers is test_as_of_property.py."""

from __future__ import annotations

import datetime as dt

import pytest

from splitledger.services.ledger import Ledger
from splitledger.services.settling import StalePlan

JAN = dt.date(2026, 1, 1)


def _bill(ledger: Ledger, amount: str, payer: str, date: dt.date, category: str = "") -> int:
    return ledger.record_expense(
        "Trip",
        description="Bill",
        amount=amount,
        paid_by=[(payer, None)],
        date=date,
        category=category,
    ).id


def _minor(ledger: Ledger, when: dt.date | None) -> dict[str, int]:
    view = ledger.balances("Trip", as_of=when) if when else ledger.balances("Trip")
    return {b.member: b.minor for b in view.balances}


def test_before_the_first_transaction_everyone_shows_zero(trip: Ledger) -> None:
    _bill(trip, "30.00", "ann", JAN)
    view = trip.balances("Trip", as_of=JAN - dt.timedelta(days=1))
    assert {b.member: b.minor for b in view.balances} == {"ann": 0, "bob": 0, "cy": 0}
    assert view.exchange == ()


def test_a_reversal_counts_on_its_own_date(trip: Ledger) -> None:
    bill = _bill(trip, "30.00", "ann", JAN)
    trip.reverse(bill, date=dt.date(2026, 2, 1))
    assert _minor(trip, dt.date(2026, 1, 31)) == {"ann": 2000, "bob": -1000, "cy": -1000}
    assert _minor(trip, dt.date(2026, 2, 1)) == {"ann": 0, "bob": 0, "cy": 0}
    # a bill deleted after the date no longer counts as spent, as today's total says
    assert trip.spending_report("Trip", date_to=dt.date(2026, 1, 31)).totals == ()


def test_a_future_date_is_todays_balances_and_the_day_itself_counts(trip: Ledger) -> None:
    _bill(trip, "30.00", "ann", JAN)
    _bill(trip, "9.00", "bob", dt.date(2026, 1, 2))
    assert _minor(trip, dt.date(2099, 12, 31)) == _minor(trip, None)
    assert _minor(trip, dt.date(2026, 1, 2)) == _minor(trip, None)
    assert _minor(trip, JAN) == {"ann": 2000, "bob": -1000, "cy": -1000}
    assert trip.balances("Trip", as_of=JAN).total_spent == {}  # a report's totals say it
    assert trip.spending_report("Trip", date_to=JAN).totals[0].spent == 3000


def test_settle_as_of_plans_those_balances_and_cannot_be_recorded_after(trip: Ledger) -> None:
    _bill(trip, "30.00", "ann", JAN)
    trip.record_payment("Trip", payer="bob", payee="ann", amount="10.00", date=dt.date(2026, 2, 1))
    then = trip.settle_up("Trip", as_of=dt.date(2026, 1, 31))
    assert then.as_of == dt.date(2026, 1, 31)
    assert {(t.payer, t.payee, t.minor) for t in then.transfers} == {
        ("bob", "ann", 1000),
        ("cy", "ann", 1000),
    }
    assert trip.settle_plan("Trip", as_of=dt.date(2026, 1, 31)) == list(then.transfers)
    with pytest.raises(StalePlan):  # those balances are not today's
        trip.record_settlement("Trip", then.transfers, expected=then.basis)
    assert len(trip.history("Trip")) == 2  # nothing recorded


def test_removed_members_show_while_they_owed_then(trip: Ledger) -> None:
    trip.add_members("Trip", ["dee"])
    _bill(trip, "40.00", "dee", JAN)
    for payer in ("ann", "bob", "cy"):
        trip.record_payment(
            "Trip", payer=payer, payee="dee", amount="10.00", date=dt.date(2026, 2, 1)
        )
    trip.remove_member("Trip", "dee")
    assert _minor(trip, JAN)["dee"] == 3000
    assert "dee" not in _minor(trip, dt.date(2026, 2, 1))
