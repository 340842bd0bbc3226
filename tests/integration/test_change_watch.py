"""The live-refresh signal (`Ledger.watch_changes`): a dedicated connection that says
when a commit happened, on SQLite (`PRAGMA data_version`) and PostgreSQL (LISTEN, and a
NOTIFY in the same transaction as every write, so a rolled-back write says nothing)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.store.connection import ChangeWatch

NEVER = threading.Event()


@pytest.fixture
def watch(trip: Ledger) -> Iterator[ChangeWatch]:
    opened = trip.watch_changes()
    assert opened is not None
    try:
        yield opened
    finally:
        opened.close()


def test_a_commit_elsewhere_is_seen_once(trip: Ledger, db_url: str, watch: ChangeWatch) -> None:
    assert not watch.wait(0.05, NEVER)
    with Ledger.open(db_url, actor="friend") as other:
        other.record_payment(group="Trip", payer="ann", payee="bob", amount="1")
    assert watch.wait(0.05, NEVER) or watch.wait(5, NEVER)
    assert not watch.wait(0.05, NEVER)


def test_this_ledgers_own_writes_are_seen_too(trip: Ledger, watch: ChangeWatch) -> None:
    """The watch's connection never writes, so the app's own commits (on its pooled
    connections) move it as well: its screens follow them like any other."""
    trip.record_payment(group="Trip", payer="ann", payee="bob", amount="1")
    assert watch.wait(0.05, NEVER) or watch.wait(5, NEVER)


def test_a_refused_write_is_no_change(trip: Ledger, watch: ChangeWatch) -> None:
    with pytest.raises(InvalidInput):
        trip.record_payment(group="Trip", payer="ann", payee="nobody", amount="1")
    assert not watch.wait(0.2, NEVER)


def test_a_stopped_watch_says_nothing(trip: Ledger, watch: ChangeWatch) -> None:
    stop = threading.Event()
    stop.set()
    trip.record_payment(group="Trip", payer="ann", payee="bob", amount="1")
    assert not watch.wait(0.05, stop)


def test_an_in_memory_ledger_has_nothing_to_watch() -> None:
    with Ledger.open("sqlite://") as ledger:
        assert ledger.watch_changes() is None
