"""Bounded, jittered retries of a whole database transaction.

Retried: PostgreSQL serialization failures and deadlocks (SQLSTATE 40001, 40P01), unique
violations (23505: a concurrent writer inserted the same key or name first; the retry
then sees its row and answers as the idempotency rules say), and SQLite's "database is
locked" once its busy timeout has run out. Everything else is raised at once.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from splitledger.services import logs
from splitledger.services.errors import Unavailable
from splitledger.store.errors import driver_error

T = TypeVar("T")
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "23505"})
MAX_ATTEMPTS = 12
BASE_DELAY = 0.005
MAX_DELAY = 0.5


def is_retryable(orig: BaseException) -> bool:
    """Whether the driver's exception `orig` (see `driver_error`) is worth a retry."""
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    if isinstance(orig, sqlite3.OperationalError):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    return isinstance(orig, sqlite3.IntegrityError) and "UNIQUE" in str(orig)


def backoff(attempt: int) -> float:
    """Exponential back-off with full jitter in [delay/2, delay]."""
    delay = min(MAX_DELAY, BASE_DELAY * (1 << attempt))
    return delay * (0.5 + secrets.randbelow(1000) / 2000)


def with_retries(operation: str, work: Callable[[], T]) -> T:
    attempts = MAX_ATTEMPTS  # read here, not bound at import: tests shorten it
    for attempt in range(attempts):
        try:
            return work()
        except Exception as exc:
            orig = driver_error(exc)
            if orig is None or not is_retryable(orig):
                raise
            if attempt == attempts - 1:
                raise Unavailable(
                    f"{operation}: the database stayed busy through {attempts} attempts; try again"
                ) from exc
            logs.event("retry", operation=operation, attempt=attempt + 1, error=str(orig))
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")  # pragma: no cover
