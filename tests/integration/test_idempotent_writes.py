"""Every keyed write goes through one idempotency helper (services/idempotency.py): the
same key with the same request answers as the first time and records nothing; the same
key with a different request is refused, nothing recorded. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from splitledger.services.errors import IdempotencyConflict
from splitledger.services.ledger import Ledger

DAY = dt.date(2026, 11, 1)
KEY = "k-1"

#: A write under KEY, and the same key with a different request.
Pair = tuple[Callable[[], object], Callable[[], object]]


def _expense(
    ledger: Ledger, amount: str = "30", key: str | None = None, date: dt.date | None = None
) -> int:
    tx = ledger.record_expense(
        group="Trip", description="Taxi", amount=amount, paid_by=[("ann", None)], key=key, date=date
    )
    return tx.id


def create_group(ledger: Ledger) -> Pair:
    return (
        lambda: ledger.create_group("Flat", "EUR", ["ann"], key=KEY),
        lambda: ledger.create_group("Flat2", "EUR", ["ann"], key=KEY),
    )


def add_members(ledger: Ledger) -> Pair:
    return (
        lambda: ledger.add_members("Trip", ["dan"], key=KEY),
        lambda: ledger.add_members("Trip", ["eve"], key=KEY),
    )


def record_expense(ledger: Ledger) -> Pair:
    return (lambda: _expense(ledger, "30", KEY), lambda: _expense(ledger, "31", KEY))


def record_payment(ledger: Ledger) -> Pair:
    def pay(amount: str) -> object:
        return ledger.record_payment(
            group="Trip", payer="bob", payee="ann", amount=amount, date=DAY, key=KEY
        )

    return (lambda: pay("5"), lambda: pay("6"))


def reverse(ledger: Ledger) -> Pair:
    tx = _expense(ledger, date=DAY)
    return (
        lambda: ledger.reverse(tx, key=KEY, date=DAY),
        lambda: ledger.reverse(tx, key=KEY, date=DAY + dt.timedelta(days=1)),
    )


def edit_expense(ledger: Ledger) -> Pair:
    tx = _expense(ledger)
    return (
        lambda: ledger.edit_expense(tx, amount="40", key=KEY),
        lambda: ledger.edit_expense(tx, amount="41", key=KEY),
    )


def undo(ledger: Ledger) -> Pair:
    tx, other = _expense(ledger), _expense(ledger)
    ledger.reverse(tx)
    ledger.reverse(other)
    return (lambda: ledger.undo(tx, key=KEY), lambda: ledger.undo(other, key=KEY))


def convert(ledger: Ledger) -> Pair:
    ledger.add_rate("Trip", "USD", "EUR", "0.9", date=DAY)
    ledger.record_expense(
        group="Trip",
        description="Museum",
        amount="30",
        currency="USD",
        paid_by=[("ann", None)],
        date=DAY,
    )
    return (
        lambda: ledger.convert("Trip", date=DAY, key=KEY),
        lambda: ledger.convert("Trip", date=DAY, member="bob", key=KEY),
    )


def record_settlement(ledger: Ledger) -> Pair:
    _expense(ledger, "90")
    plan = ledger.settle_up("Trip")
    more = [dataclasses.replace(t, minor=t.minor + 1) for t in plan.transfers]
    return (
        lambda: ledger.record_settlement("Trip", plan.transfers, key=KEY),
        lambda: ledger.record_settlement("Trip", more, key=KEY),
    )


@pytest.mark.parametrize(
    "case",
    [
        create_group,
        add_members,
        record_expense,
        record_payment,
        reverse,
        edit_expense,
        undo,
        convert,
        record_settlement,
    ],
)
def test_a_key_replays_its_request_and_refuses_another(
    trip: Ledger, case: Callable[[Ledger], Pair]
) -> None:
    write, different = case(trip)
    first = write()
    recorded = [trip.change_token("Trip"), trip.change_token(None), trip.history("Trip")]
    assert write() == first
    assert [trip.change_token("Trip"), trip.change_token(None), trip.history("Trip")] == recorded
    with pytest.raises(IdempotencyConflict, match="already used for a different request"):
        different()
    assert [trip.change_token("Trip"), trip.change_token(None), trip.history("Trip")] == recorded


def test_a_key_is_one_operation(trip: Ledger) -> None:
    """The same key for another kind of write is refused even if the request were to
    read the same: the operation is part of what the key commits to."""
    tx = _expense(trip, key=KEY)
    with pytest.raises(IdempotencyConflict):
        trip.reverse(tx, key=KEY)
    with pytest.raises(IdempotencyConflict):
        trip.add_members("Trip", ["dan"], key=KEY)
