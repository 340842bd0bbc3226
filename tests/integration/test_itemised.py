"""Itemised receipts through the services (issue 15): lines shared by subsets, tax and
tip spread in proportion; the definition keeps the receipt, so the bill can be shown,
edited and undone as it was entered; on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from splitledger.services import inputs
from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.services.views import Receipt

DAY = dt.date(2026, 11, 2)
LINES = [("Pizza", "24.00", ["ann", "bob"]), ("Wine", "18", ["bob", "cy"])]


def _record(trip: Ledger, **extra: object) -> int:
    fields: dict[str, object] = {
        "description": "Dinner",
        "amount": "50.00",
        "paid_by": [("ann", None)],
        "split": "itemised",
        "items": LINES,
        "tax": "4.20",
        "tip": "3.80",
        "date": DAY,
        **extra,
    }
    return trip.record_expense(group="Trip", key="dinner", **fields).id  # type: ignore[arg-type]


def _owed(trip: Ledger, tx_id: int) -> dict[str, int]:
    tx = trip.transaction(tx_id).tx
    return {p.member: -p.minor for p in tx.postings if p.minor < 0}


def test_lines_tax_and_tip_are_shared_as_the_receipt_says(trip: Ledger) -> None:
    tx_id = _record(trip)
    owed = _owed(trip, tx_id)
    # ann 12 of 42 in lines, bob 21, cy 9; tax+tip 8.00 spread 12:21:9
    assert owed == {"ann": 1429, "bob": 2500, "cy": 1071}
    assert sum(owed.values()) == 5000
    definition = trip.expense_definition(tx_id)
    assert definition.split == "itemised"
    assert definition.receipt == Receipt(
        (("Pizza", "24.00", ("ann", "bob")), ("Wine", "18.00", ("bob", "cy"))), "4.20", "3.80"
    )
    assert trip.verify().ok


def test_the_definition_rebuilds_the_same_postings(trip: Ledger) -> None:
    tx_id = _record(trip)
    group = trip.groups()[0]
    again = trip.preview_expense(group, **trip.expense_definition(tx_id).as_fields())
    assert sorted((p.account, p.minor) for p in again.postings) == sorted(
        (p.member, p.minor) for p in trip.transaction(tx_id).tx.postings
    )


def test_an_edit_of_the_tip_keeps_the_lines_and_undo_restores_it(trip: Ledger) -> None:
    tx_id = _record(trip)
    outcome = trip.edit_expense(tx_id, amount="51.00", tip="4.80", key="tip")
    assert outcome.tx is not None
    fields = {c.field for c in outcome.changes}
    assert {"amount", "items"} <= fields
    edited = trip.expense_definition(outcome.tx.id)
    assert edited.receipt is not None
    assert edited.receipt.items == trip.expense_definition(tx_id).receipt.items  # type: ignore[union-attr]
    assert edited.receipt.tip == "4.80"
    trip.undo(outcome.tx.id, key="undo")
    assert trip.verify().ok


def test_lines_that_do_not_add_up_are_refused_and_nothing_is_written(trip: Ledger) -> None:
    with pytest.raises(InvalidInput):
        _record(trip, amount="60.00")
    with pytest.raises(InvalidInput, match="itemised"):
        _record(trip, split="equal")
    with pytest.raises(InvalidInput):
        _record(trip, items=[("Pizza", "24", ["zed"])], amount="32.00")
    assert trip.history("Trip") == []


def test_an_older_request_keeps_its_fingerprint() -> None:
    """Requests stored before items existed are still repeats, not conflicts."""
    request = inputs.validate(
        inputs.RecordExpense,
        group="Trip",
        description="Dinner",
        amount="90",
        paid_by=[("ann", None)],
        split="shares",
        participants=[("ann", "2"), ("bob", None)],
        date=dt.date(2026, 6, 1),
        category="food",
        key="k",
    )
    assert request.fingerprint("tx.expense") == (
        "c707722b450cb5183e1c2778186ece2db27c6f6d54488c3dc410f8ec6c806c33"
    )
    edit = inputs.validate(inputs.EditExpense, tx_id=5, amount="12")
    assert edit.fingerprint("tx.edit") == (
        "7dab591979e3b25460a85380c980ff4d6370a99c13ac4a4477977a2b7a352368"
    )


def test_a_total_that_differs_from_the_receipt_is_said_in_money(trip: Ledger) -> None:
    with pytest.raises(InvalidInput, match=r"add up to 50\.00 EUR, not the bill of 60\.00 EUR"):
        _record(trip, amount="60.00")


def test_receipt_fields_on_an_edit_of_another_split_are_refused(trip: Ledger) -> None:
    tx = trip.record_expense(
        group="Trip", description="Taxi", amount="30", paid_by=[("ann", None)], key="taxi"
    )
    with pytest.raises(InvalidInput, match="itemised"):
        trip.edit_expense(tx.id, tax="1.00")
    assert len(trip.history("Trip")) == 1
