"""Spending reports (issue 16): the rules in examples. The properties on random ledgers
are test_reports_property.py."""

from __future__ import annotations

import datetime as dt

import pytest

from splitledger.services import views
from splitledger.services.errors import InvalidInput, NotFound
from splitledger.services.ledger import Ledger

JAN, FEB = dt.date(2026, 1, 10), dt.date(2026, 2, 10)


def _bill(
    ledger: Ledger, amount: str, payer: str, date: dt.date, category: str, currency: str = "EUR"
) -> int:
    return ledger.record_expense(
        "Trip",
        description="Bill",
        amount=amount,
        currency=currency,
        paid_by=[(payer, None)],
        date=date,
        category=category,
    ).id


def _spent(report: views.SpendingReport) -> dict[tuple[tuple[str, ...], str], int]:
    return {(b.key, b.currency): b.spent for b in report.buckets}


def test_edits_move_a_bill_and_deletions_remove_it(trip: Ledger) -> None:
    food = _bill(trip, "30.00", "ann", JAN, "Food")
    gone = _bill(trip, "12.00", "bob", JAN, "Food")
    trip.edit_expense(food, category="Rent", date=FEB)
    trip.reverse(gone)
    report = trip.spending_report("Trip", by="category,month")
    assert _spent(report) == {(("Rent", "2026-02"), "EUR"): 3000}
    assert [(t.currency, t.spent) for t in report.totals] == [("EUR", 3000)]


def test_payments_and_conversions_are_not_spending_but_reconcile(trip: Ledger) -> None:
    _bill(trip, "30.00", "ann", JAN, "Food")
    _bill(trip, "10.00", "bob", JAN, "Food", currency="USD")
    pay = trip.record_payment("Trip", payer="bob", payee="ann", amount="5.00", date=JAN)
    trip.reverse(pay.id, date=FEB)
    trip.record_payment("Trip", payer="cy", payee="ann", amount="7.00", date=FEB)
    trip.add_rate("Trip", "USD", "EUR", "0.9", date=JAN)
    trip.convert("Trip", to="EUR", date=FEB)
    report = trip.spending_report("Trip", by="month")
    assert _spent(report) == {(("2026-01",), "EUR"): 3000, (("2026-01",), "USD"): 1000}
    flows = {(f.member, f.currency): f for f in report.members}
    assert flows["cy", "EUR"].transfers == 700 - 300  # paid ann 7.00; USD 3.33 converted
    # bob: the payment and its reversal cancel; his USD balance (6.66 or 6.67, as the
    # odd cent fell) was converted into EUR 6.00
    usd = flows["bob", "USD"]
    assert usd.transfers == usd.consumed - usd.paid
    assert flows["bob", "EUR"].transfers == 600
    for f in report.members:
        assert f.opening + f.paid - f.consumed + f.transfers + f.reversals_apart == f.closing
    only_usd = trip.spending_report("Trip", by="member", currency="usd")
    assert only_usd.currency == "USD"
    assert {b.currency for b in only_usd.buckets} == {"USD"}
    assert {f.currency for f in only_usd.members} == {"USD"}


def test_the_period_is_inclusive_and_a_member_bucket_holds_their_part(trip: Ledger) -> None:
    _bill(trip, "30.00", "ann", JAN, "Food")
    _bill(trip, "60.00", "cy", FEB, "Rent")
    report = trip.spending_report("Trip", by="member", date_from=JAN, date_to=JAN)
    assert [(b.key, b.spent, b.consumed) for b in report.buckets] == [
        (("ann",), 3000, 1000),
        (("bob",), 0, 1000),
        (("cy",), 0, 1000),
    ]
    assert report.totals[0].spent == report.totals[0].consumed == 3000
    assert trip.spending_report("Trip", date_from=FEB).totals[0].spent == 6000
    assert trip.spending_report("Trip", date_to=JAN - dt.timedelta(days=1)).buckets == ()


def test_removed_members_keep_their_name_in_reports(trip: Ledger) -> None:
    trip.add_members("Trip", ["dee"])
    _bill(trip, "40.00", "dee", JAN, "Food")
    for payer in ("ann", "bob", "cy"):
        trip.record_payment("Trip", payer=payer, payee="dee", amount="10.00", date=FEB)
    trip.remove_member("Trip", "dee")
    (total,) = trip.spending_report("Trip").totals
    assert {m.member for m in total.members} == {"ann", "bob", "cy", "dee"}


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"by": "year"}, InvalidInput, "by"),
        ({"date_from": FEB, "date_to": JAN}, InvalidInput, "date_to"),
        ({"currency": "EURO"}, InvalidInput, "currency"),
        ({"currency": "XAU"}, InvalidInput, "currency"),  # a metal, not money
    ],
)
def test_bad_requests_are_refused(
    trip: Ledger, kwargs: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as raised:
        trip.spending_report("Trip", **kwargs)  # type: ignore[arg-type]
    assert getattr(raised.value, "field", None) == field


def test_an_unknown_group_is_not_found(trip: Ledger) -> None:
    with pytest.raises(NotFound):
        trip.spending_report("Nope")
