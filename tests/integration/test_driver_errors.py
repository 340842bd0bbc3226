"""Database errors raised by the driver itself (statements on the raw cursor, the BEGIN
of the engine's begin event) are classified and retried like SQLAlchemy's wrapped ones,
and reach the user as `Unavailable`, never as a driver traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from splitledger.services import retry
from splitledger.services.errors import Unavailable
from splitledger.services.ledger import Ledger
from splitledger.store import engine
from splitledger.store.errors import driver_error

EXPENSE = {
    "group": "Flat",
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


def test_a_locked_sqlite_database_is_retried_then_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(retry, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(retry, "BASE_DELAY", 0.001)
    path = tmp_path / "l.db"
    with Ledger.open(str(path)) as ledger:
        ledger.create_group("Flat", "EUR", ["ann", "bob"])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another terminal holding the write lock
        try:
            with pytest.raises(Unavailable, match="stayed busy through 3 attempts"):
                ledger.record_expense(**EXPENSE)
        finally:
            other.execute("ROLLBACK")
            other.close()
        # Once the lock is gone the same call goes through, exactly once.
        ledger.record_expense(**EXPENSE, key="milk")
        ledger.record_expense(**EXPENSE, key="milk")
        assert len(ledger.history("Flat")) == 1


def test_a_lock_released_during_the_retries_lets_the_write_land(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(retry, "BASE_DELAY", 0.001)
    path = tmp_path / "l.db"
    with Ledger.open(str(path)) as ledger:
        ledger.create_group("Flat", "EUR", ["ann", "bob"])
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        sleeps: list[float] = []

        def release_on_first_retry(seconds: float) -> None:
            if not sleeps:
                other.execute("ROLLBACK")
            sleeps.append(seconds)

        monkeypatch.setattr(retry.time, "sleep", release_on_first_retry)
        view = ledger.record_expense(**EXPENSE)
        other.close()
        assert len(sleeps) == 1
        assert [tx.id for tx in ledger.history("Flat")] == [view.id]
