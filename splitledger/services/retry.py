"""Bounded, jittered retries of a whole database transaction, and waiting for the ledger
lock in slices that a caller can watch and cancel.

Retried: PostgreSQL serialization failures and deadlocks (SQLSTATE 40001, 40P01), unique
violations (23505: a concurrent writer inserted the same key or name first; the retry
then sees its row and answers as the idempotency rules say), and waits for the lock that
ran out: SQLite's "database is locked" and PostgreSQL's lock_not_available (55P03).
Everything else is raised at once.

A write waits for the lock in slices (`connection.wait_slice_ms`: SQLite's busy timeout per
try; PostgreSQL's `lock_timeout`, set when a caller watches): between two slices it
tells the caller it waits (`WaitControl.on_wait`) and stops if the caller cancelled
(`Cancelled`, nothing written). `connection.waits_per_attempt()` slices make one attempt, so
an attempt waits as long as the busy timeout always let it (ADR 0005); after that come
the back-off and the next of `MAX_ATTEMPTS` attempts, as before.

The loop is tenacity's (what is retried, the back-off, giving up as `Unavailable`, the
cancellable pause, the cancel check before each try, the log line). tenacity counts
tries, and an attempt here is up to `waits_per_attempt()` tries of one slice each: that
two-level count is the part it cannot express, so `_Budget` keeps it and tenacity's hooks
ask it. tenacity rather than stamina (which is built on it): the lighter import. It is
imported, and its loop set up, only after a first try failed with an error worth a
retry, so the uncontended write pays for neither (figures: docs/performance-notes.md).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, NamedTuple, NoReturn, TypeVar

from splitledger.services import logs
from splitledger.services.errors import Cancelled, Unavailable
from splitledger.store import connection
from splitledger.store.errors import driver_error

if TYPE_CHECKING:
    from tenacity import RetryCallState

T = TypeVar("T")
LOCK_NOT_AVAILABLE = "55P03"
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "23505", LOCK_NOT_AVAILABLE})
MAX_ATTEMPTS = 12
BASE_DELAY = 0.005
MAX_DELAY = 0.5


class WaitControl(NamedTuple):
    """How a caller follows a write that waits for the lock. `cancel`, set from any
    thread, stops the write at the next slice (within `connection.wait_slice_ms`);
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


def _worth_retrying(exc: BaseException) -> bool:
    orig = driver_error(exc)
    return orig is not None and is_retryable(orig)


def backoff(attempt: int) -> float:
    """Exponential back-off with full jitter in [delay/2, delay]."""
    delay = min(MAX_DELAY, BASE_DELAY * (1 << attempt))
    import secrets  # only once a write is retried

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
    """`work()`, tried again while it fails with an error worth a retry (see the module's
    docstring); `Unavailable` once `MAX_ATTEMPTS` attempts failed, `Cancelled` if the
    caller cancelled while it waited."""
    began = time.monotonic()
    _stop_if_cancelled(control, operation)
    try:
        return work()  # nearly every write: no retry machinery at all
    except Exception as exc:
        if not _worth_retrying(exc):
            raise
        failed = exc
    return _retried(operation, work, _Budget(operation, control, began), failed)


def _retried(operation: str, work: Callable[[], T], budget: _Budget, failed: Exception) -> T:
    from tenacity import Retrying, retry_if_exception

    pending = [failed]

    def attempt() -> T:
        if pending:  # the first try, made already: tenacity decides what follows it
            raise pending.pop()
        return work()

    retrying = Retrying(
        retry=retry_if_exception(_worth_retrying),
        after=budget.count,
        wait=budget.delay,
        stop=budget.spent,
        retry_error_callback=budget.give_up,
        before_sleep=budget.before_pause,
        sleep=budget.pause,
        before=budget.before_try,
    )
    return retrying(attempt)


class _Budget:
    """The attempts and lock-wait slices of one write, as tenacity's hooks see them: a
    failed try that waited for the lock, with slices of its attempt left, is tried again
    at once; any other retryable failure ends the attempt (back-off, or give up)."""

    def __init__(self, operation: str, control: WaitControl | None, began: float) -> None:
        self.operation, self.control, self.began = operation, control, began
        # Read here, not bound at import: tests shorten them.
        self.attempts, self.slices = MAX_ATTEMPTS, connection.waits_per_attempt()
        self.attempt = self.waited_slices = 0
        self.waits_on = False  # the last try used a slice; the same attempt waits on
        self.error: BaseException | None = None

    def count(self, state: RetryCallState) -> None:  # after each retryable failure
        exc = state.outcome.exception() if state.outcome is not None else None
        orig = driver_error(exc) if exc is not None else None
        self.error = orig
        if orig is not None and is_lock_wait(orig):
            control = self.control
            if control is not None and control.on_wait is not None:
                control.on_wait(time.monotonic() - self.began)
            self.waited_slices += 1
            self.waits_on = self.waited_slices < self.slices
            if self.waits_on:
                return
        self.waits_on = False
        self.waited_slices = 0
        self.attempt += 1

    def delay(self, _state: RetryCallState) -> float:
        return 0.0 if self.waits_on else backoff(self.attempt - 1)

    def spent(self, _state: RetryCallState) -> bool:
        return not self.waits_on and self.attempt >= self.attempts

    def give_up(self, state: RetryCallState) -> NoReturn:
        exc = state.outcome.exception() if state.outcome is not None else None
        raise Unavailable(
            f"{self.operation}: the database stayed busy through {self.attempts} attempts; "
            "try again"
        ) from exc

    def before_pause(self, _state: RetryCallState) -> None:
        if not self.waits_on:
            logs.event(
                "retry", operation=self.operation, attempt=self.attempt, error=str(self.error)
            )
            _stop_if_cancelled(self.control, self.operation)

    def pause(self, seconds: float) -> None:
        if seconds > 0:  # a slice that ran out is tried again at once
            _pause(self.control, seconds)

    def before_try(self, state: RetryCallState) -> None:
        if state.attempt_number > 1:  # the first, replayed, was checked before it ran
            _stop_if_cancelled(self.control, self.operation)
