"""A write that waits for the ledger lock (another terminal is writing) says so to its
caller between slices of the wait and can be cancelled there: nothing is written, and
the cancel is heard within a slice, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

from splitledger.services import retry
from splitledger.services.errors import Cancelled
from splitledger.services.inputs import ExpenseFields
from splitledger.services.ledger import Ledger
from splitledger.store import connection as engine

EXPENSE: ExpenseFields = {
    "description": "Milk",
    "amount": "2.00",
    "paid_by": [("ann", None)],
}


@contextmanager
def lock_held(url: str) -> Iterator[None]:
    """Another connection holds the lock every write of group Trip needs: SQLite's
    write lock, PostgreSQL's group row lock."""
    if url.startswith("postgresql"):
        with psycopg.connect(url) as other:
            other.execute("SELECT id FROM groups WHERE name = 'Trip' FOR UPDATE")
            yield
            other.rollback()
        return
    writer = sqlite3.connect(url, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        yield
        writer.execute("ROLLBACK")
    finally:
        writer.close()


def test_a_waiting_write_is_heard_and_cancelled_with_nothing_written(
    trip: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "WAIT_SLICE_MS", 50)
    cancel = threading.Event()
    waits: list[float] = []

    def on_wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            cancel.set()  # as the app does when Escape is pressed

    with lock_held(db_url), trip.lock_waits(cancel=cancel, on_wait=on_wait):
        started = time.monotonic()
        with pytest.raises(Cancelled, match="nothing was written"):
            trip.record_expense("Trip", **EXPENSE, key="milk")
        took = time.monotonic() - started
    assert len(waits) == 3
    assert waits == sorted(waits)
    assert took < 5  # three slices of 50 ms, not a busy timeout of 15 s
    assert trip.history("Trip") == []
    # Once the lock is gone the same key records it, once.
    trip.record_expense("Trip", **EXPENSE, key="milk")
    assert len(trip.history("Trip")) == 1


def test_a_cancel_before_the_write_writes_nothing(trip: Ledger) -> None:
    cancel = threading.Event()
    cancel.set()
    with trip.lock_waits(cancel=cancel), pytest.raises(Cancelled):
        trip.record_payment(group="Trip", payer="ann", payee="bob", amount="1")
    assert trip.history("Trip") == []


def test_a_released_lock_lets_the_waiting_write_land_once(
    trip: Ledger, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "WAIT_SLICE_MS", 50)
    release = threading.Event()
    waits: list[float] = []

    def on_wait(seconds: float) -> None:
        waits.append(seconds)
        release.set()

    def holder() -> None:
        with lock_held(db_url):
            ready.set()
            release.wait(10)

    ready = threading.Event()
    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert ready.wait(10)
        with trip.lock_waits(on_wait=on_wait):
            view = trip.record_expense("Trip", **EXPENSE)
    finally:
        release.set()
        thread.join()
    assert waits  # it did wait, and said so
    assert [tx.id for tx in trip.history("Trip")] == [view.id]


def test_writes_outside_the_block_follow_nobody(trip: Ledger) -> None:
    with trip.lock_waits(on_wait=lambda _s: None):
        assert retry.current_control() is not None
    assert retry.current_control() is None


def test_one_attempt_waits_as_long_as_the_busy_timeout_did() -> None:
    assert engine.wait_slice_ms() * engine.waits_per_attempt() == engine.BUSY_TIMEOUT_MS
    assert engine.wait_slice_ms() <= 250  # a cancel is heard within a quarter second
