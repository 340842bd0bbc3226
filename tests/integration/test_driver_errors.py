"""Database errors raised by the driver itself (statements on the raw cursor, the BEGIN
of the engine's begin event) are classified and retried like SQLAlchemy's wrapped ones,
and reach the user as `Unavailable`, never as a driver traceback."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from splitledger.services import retry
from splitledger.services.errors import Unavailable
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger
from splitledger.store import connection as engine
from splitledger.store.errors import driver_error


class Locked(NamedTuple):
    ledger: Ledger
    other: sqlite3.Connection


EXPENSE: ExpenseFields = {
    "description": "Milk",
    "amount": "2.00",
    "paid_by": [("ann", None)],
    "participants": [("ann", None), ("bob", None)],
}


def test_driver_error_finds_the_drivers_exception() -> None:
    locked = sqlite3.OperationalError("database is locked")
    assert driver_error(locked) is locked
    wrapped = OperationalError("BEGIN", {}, locked)
    assert driver_error(wrapped) is locked
    serialization = psycopg.errors.SerializationFailure("could not serialize")
    assert driver_error(serialization) is serialization
    assert retry.is_retryable(serialization)
    assert driver_error(ValueError("not a database error")) is None
    assert driver_error(KeyError("x")) is None


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Locked]:
    """A ledger with a group, whose write lock another connection holds (as another
    terminal would); busy timeout and back-off shortened so the test is quick."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(retry, "BASE_DELAY", 0.001)
    path = tmp_path / "l.db"
    with Ledger.open(str(path)) as ledger:
        ledger.create_group("Flat", "EUR", ["ann", "bob"])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield Locked(ledger, other)
        finally:
            if other.in_transaction:
                other.execute("ROLLBACK")
            other.close()


def test_a_locked_sqlite_database_is_retried_then_unavailable(
    locked: Locked, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "MAX_ATTEMPTS", 3)
    with pytest.raises(Unavailable, match="stayed busy through 3 attempts"):
        locked.ledger.record_expense("Flat", **EXPENSE)
    locked.other.execute("ROLLBACK")
    # Once the lock is gone the same call goes through, exactly once.
    locked.ledger.record_expense("Flat", **EXPENSE, key="milk")
    locked.ledger.record_expense("Flat", **EXPENSE, key="milk")
    assert len(locked.ledger.history("Flat")) == 1


def test_a_lock_released_during_the_retries_lets_the_write_land(
    locked: Locked, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []

    def release_on_first_retry(seconds: float) -> None:
        if not sleeps:
            locked.other.execute("ROLLBACK")
        sleeps.append(seconds)

    monkeypatch.setattr(time, "sleep", release_on_first_retry)  # retry's back-off sleeps
    view = locked.ledger.record_expense("Flat", **EXPENSE)
    assert len(sleeps) == 1
    assert [tx.id for tx in locked.ledger.history("Flat")] == [view.id]
