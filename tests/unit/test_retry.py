"""The retry budget of a write, without a database: which failures are tried again, how
lock waits count in slices and attempts, the back-off, giving up and cancelling; and the
uncontended write never loads the retry library."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from splitledger.services import retry
from splitledger.services.errors import Cancelled, Unavailable
from splitledger.store import connection as engine


class Failing:
    """Work that raises each of `errors` in turn, then returns "done"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors, self.tries = list(errors), 0

    def __call__(self) -> str:
        self.tries += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def locked() -> sqlite3.OperationalError:
    return sqlite3.OperationalError("database is locked")


def test_lock_waits_count_in_slices_then_attempts_then_give_up(
    monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 30)
    monkeypatch.setattr(engine, "WAIT_SLICE_MS", 10)  # three slices an attempt
    monkeypatch.setattr(retry, "MAX_ATTEMPTS", 2)
    work = Failing(*(locked() for _ in range(10)))
    waits: list[float] = []
    control = retry.WaitControl(on_wait=waits.append)
    with pytest.raises(Unavailable, match="stayed busy through 2 attempts") as raised:
        retry.with_retries("test", work, control=control)
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    assert work.tries == 6  # two attempts of three slices
    assert len(waits) == 6
    assert waits == sorted(waits)
    assert len(sleeps) == 1  # back-off between the attempts only; slices go on at once


def test_conflicts_are_retried_with_growing_jittered_back_off(sleeps: list[float]) -> None:
    unique = sqlite3.IntegrityError("UNIQUE constraint failed: requests.key")
    work = Failing(unique, unique, unique)
    assert retry.with_retries("test", work) == "done"
    assert work.tries == 4
    delays = [retry.BASE_DELAY * 2**n for n in range(3)]
    assert [d / 2 <= s <= d for s, d in zip(sleeps, delays, strict=True)] == [True] * 3


@pytest.mark.parametrize(
    "error", [ValueError("not the database"), sqlite3.IntegrityError("NOT NULL constraint")]
)
def test_other_errors_are_raised_at_once(error: Exception, sleeps: list[float]) -> None:
    work = Failing(error)
    with pytest.raises(type(error)) as raised:
        retry.with_retries("test", work)
    assert raised.value is error
    assert work.tries == 1
    assert sleeps == []


def test_a_cancel_during_the_back_off_stops_before_the_next_try(sleeps: list[float]) -> None:
    cancel = threading.Event()

    def work() -> str:
        cancel.set()  # as if Escape were pressed while this try ran
        raise sqlite3.IntegrityError("UNIQUE constraint failed")

    with pytest.raises(Cancelled, match="nothing was written"):
        retry.with_retries("test", work, control=retry.WaitControl(cancel=cancel))
    assert sleeps == []


def test_the_uncontended_write_does_not_import_the_retry_library() -> None:
    code = (
        "import sys; from splitledger.services import retry; "
        "print(retry.with_retries('test', lambda: 'done'), 'tenacity' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["done", "False"]
