"""Renaming a group or a member and removing a member take an idempotency key, like
every other write (issue 15): a repeat answers with the group as it is now and records
nothing; the same key for another request is refused; on both databases."""

from __future__ import annotations

import pytest

from splitledger.services.errors import IdempotencyConflict
from splitledger.services.ledger import Ledger


def _audited(ledger: Ledger) -> int:
    return len(ledger.activity("Trip", limit=200).items)


def test_a_repeated_group_rename_records_once(trip: Ledger) -> None:
    first = trip.rename_group("Trip", "Voyage", key="r1")
    again = trip.rename_group("Trip", "Voyage", key="r1")  # the old name is gone: a repeat
    assert first == again
    assert [g.name for g in trip.groups()] == ["Voyage"]
    with pytest.raises(IdempotencyConflict):
        trip.rename_group("Voyage", "Other", key="r1")


def test_a_repeated_member_rename_and_removal_record_once(trip: Ledger) -> None:
    trip.rename_member("Trip", "cy", "cyrus", key="m1")
    before = _audited(trip)
    again = trip.rename_member("Trip", "cy", "cyrus", key="m1")
    assert "cyrus" in again.members
    assert _audited(trip) == before
    removed = trip.remove_member("Trip", "cyrus", key="m2")
    assert "cyrus" not in removed.members
    assert trip.remove_member("Trip", "cyrus", key="m2") == removed
    with pytest.raises(IdempotencyConflict):
        trip.remove_member("Trip", "bob", key="m2")
