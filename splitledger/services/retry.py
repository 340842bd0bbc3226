"""Bounded, jittered retries of a whole database transaction, and waiting for the ledger
lock in slices that a caller can watch and cancel.

Retried: PostgreSQL serialization failures and deadlocks (SQLSTATE 40001, 40P01), unique
violations (23505: a concurrent writer inserted the same key or name first; the retry
then sees its row and answers as the idempotency rules say), and waits for the lock that
ran out: SQLite's "database is locked" and PostgreSQL's lock_not_available (55P03).
Everything else is raised at once.

A write waits for the lock in slices (`engine.wait_slice_ms`: SQLite's busy timeout per
try; PostgreSQL's `lock_timeout`, set when a caller watches): between two slices it
tells the caller it waits (`WaitControl.on_wait`) and stops if the caller cancelled
(`Cancelled`, nothing written). `engine.waits_per_attempt()` slices make one attempt, so
an attempt waits as long as the busy timeout always let it (ADR 0005); after that come
the back-off and the next of `MAX_ATTEMPTS` attempts, as before.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from splitledger.services import logs
from splitledger.services.errors import Cancelled, Unavailable
from splitledger.store import engine
from splitledger.store.errors import driver_error

T = TypeVar("T")
LOCK_NOT_AVAILABLE = "55P03"
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "23505", LOCK_NOT_AVAILABLE})
MAX_ATTEMPTS = 12
BASE_DELAY = 0.005
MAX_DELAY = 0.5


@dataclass(frozen=True, slots=True)
class WaitControl:
    """How a caller follows a write that waits for the lock. `cancel`, set from any
    thread, stops the write at the next slice (within `engine.wait_slice_ms`);
    `on_wait(seconds)` is called from the writing thread each time the write goes on
    waiting, with the seconds since it began."""

    cancel: threading.Event | None = None
    on_wait: Callable[[float], None] | None = None


_CONTROL: ContextVar[WaitControl | None] = ContextVar("splitledger_wait_control", default=None)


@contextmanager
def controlled(control: WaitControl) -> Iterator[None]:
    """Writes made inside the block (in this thread or task) follow `control`."""
    token = _CONTROL.set(control)
    try:
        yield
    finally:
        _CONTROL.reset(token)


def current_control() -> WaitControl | None:
    return _CONTROL.get()


def is_lock_wait(orig: BaseException) -> bool:
    """Whether the driver's exception means that another writer held the lock."""
    if getattr(orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
        return True
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    return False


def is_retryable(orig: BaseException) -> bool:
    """Whether the driver's exception `orig` (see `driver_error`) is worth a retry."""
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES or is_lock_wait(orig):
        return True
    return isinstance(orig, sqlite3.IntegrityError) and "UNIQUE" in str(orig)


def backoff(attempt: int) -> float:
    """Exponential back-off with full jitter in [delay/2, delay]."""
    delay = min(MAX_DELAY, BASE_DELAY * (1 << attempt))
    return delay * (0.5 + secrets.randbelow(1000) / 2000)


def _stop_if_cancelled(control: WaitControl | None, operation: str) -> None:
    if control is not None and control.cancel is not None and control.cancel.is_set():
        logs.event("cancelled", operation=operation)
        raise Cancelled(f"{operation}: cancelled while waiting for the ledger; nothing was written")


def _pause(control: WaitControl | None, seconds: float) -> None:
    if control is not None and control.cancel is not None:
        control.cancel.wait(seconds)  # wakes at once when cancelled
    else:
        time.sleep(seconds)


def with_retries(operation: str, work: Callable[[], T], *, control: WaitControl | None = None) -> T:
    # Read here, not bound at import: tests shorten them.
    attempts, slices = MAX_ATTEMPTS, engine.waits_per_attempt()
    began = time.monotonic()
    attempt = waited_slices = 0
    while True:
        _stop_if_cancelled(control, operation)
        try:
            return work()
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None or not is_retryable(orig):
                raise
            lock = is_lock_wait(orig)
            if lock:
                if control is not None and control.on_wait is not None:
                    control.on_wait(time.monotonic() - began)
                waited_slices += 1
                if waited_slices < slices:
                    continue  # the same attempt waits on, one slice more
            waited_slices = 0
            attempt += 1
            if attempt == attempts:
                raise Unavailable(
                    f"{operation}: the database stayed busy through {attempts} attempts; try again"
                ) from exc
            logs.event("retry", operation=operation, attempt=attempt, error=str(orig))
            _stop_if_cancelled(control, operation)
            _pause(control, backoff(attempt - 1))
