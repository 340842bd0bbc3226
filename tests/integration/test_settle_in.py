"""Settling in one currency is one use case (issue 15): convert, plan and record in one
database transaction under one key, with a dry run that records nothing; on both
databases."""

from __future__ import annotations

import datetime as dt

import pytest

from splitledger.services.errors import IdempotencyConflict, InvalidInput
from splitledger.services.ledger import Ledger

DAY = dt.date(2026, 11, 1)


def _members(ledger: Ledger) -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances("Trip").balances if b.minor}


def test_settling_in_one_currency_records_conversions_and_payments_at_once(
    world_trip: Ledger,
) -> None:
    begun = world_trip.database.begun
    done = world_trip.settle_in("Trip", "EUR", record=True, date=DAY, key="s1")
    assert world_trip.database.begun == begun + 1  # one transaction: all or nothing
    assert done.committed
    assert {tx.kind for tx in done.conversions} == {"conversion"}
    assert {p.currency for tx in done.conversions for p in tx.postings} >= {"BDT", "USD"}
    assert [tx.kind for tx in done.payments] == ["payment"] * len(done.plan.transfers)
    assert done.plan.transfers
    assert {t.currency for t in done.plan.transfers} == {"EUR"}
    assert _members(world_trip) == {}  # everyone settled, in every currency
    assert world_trip.verify().ok


def test_a_repeat_answers_with_the_first_and_records_nothing(world_trip: Ledger) -> None:
    first = world_trip.settle_in("Trip", "EUR", record=True, date=DAY, key="s2")
    count = len(world_trip.history("Trip", limit=200))
    again = world_trip.settle_in("Trip", "EUR", record=True, date=DAY, key="s2")
    assert len(world_trip.history("Trip", limit=200)) == count
    assert [t.id for t in again.conversions] == [t.id for t in first.conversions]
    assert [t.id for t in again.payments] == [t.id for t in first.payments]
    assert again.plan.transfers == first.plan.transfers
    with pytest.raises(IdempotencyConflict):
        world_trip.settle_in("Trip", "EUR", record=False, date=DAY, key="s2")


def test_a_dry_run_shows_what_would_be_recorded_and_records_nothing(
    world_trip: Ledger,
) -> None:
    before = _members(world_trip)
    count = len(world_trip.history("Trip", limit=200))
    preview = world_trip.settle_in("Trip", "EUR", record=True, date=DAY, key="s3", dry_run=True)
    assert not preview.committed
    assert preview.conversions
    assert preview.payments
    assert _members(world_trip) == before
    assert len(world_trip.history("Trip", limit=200)) == count
    done = world_trip.settle_in("Trip", "EUR", record=True, date=DAY, key="s3")
    assert [t.minor for t in done.plan.transfers] == [t.minor for t in preview.plan.transfers]


def test_without_record_it_converts_and_plans_only(world_trip: Ledger) -> None:
    done = world_trip.settle_in("Trip", "EUR", date=DAY, key="s4")
    assert done.conversions
    assert not done.payments
    assert done.plan == world_trip.settle_up("Trip")
    assert {c for _, c in _members(world_trip)} == {"EUR"}


def test_a_missing_rate_is_refused_and_nothing_is_recorded(trip: Ledger) -> None:
    trip.record_expense(
        group="Trip",
        description="Taxi",
        amount="20",
        currency="USD",
        paid_by=[("ann", None)],
        date=DAY,
    )
    before = _members(trip)
    with pytest.raises(InvalidInput):
        trip.settle_in("Trip", "EUR", record=True, date=DAY, key="s5")
    assert _members(trip) == before


def test_one_currency_only_plans_and_records_without_converting(trip: Ledger) -> None:
    trip.record_expense(
        group="Trip", description="Taxi", amount="30", paid_by=[("ann", None)], date=DAY
    )
    done = trip.settle_in("Trip", "EUR", record=True, key="s6")
    assert not done.conversions
    assert len(done.payments) == 2
    assert _members(trip) == {}


def test_settle_up_descriptions_fit_however_long_the_names() -> None:
    """Names an import or an older version stored may be longer than new ones can be:
    a settle-up payment's description quotes them shortened, within its 500 characters."""
    from splitledger.domain import Transfer
    from splitledger.services.settling import payment_requests

    (request,) = payment_requests(
        "G", [Transfer("a" * 500, "b" * 500, "EUR", 100)], lambda i: f"k{i}"
    )
    assert len(request.description) <= 500
    assert request.description.startswith("Settle up: aaa")
    assert " paid bbb" in request.description
