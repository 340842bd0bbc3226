"""Connections to the ledger through the driver itself (sqlite3, psycopg), tuned per
backend, pooled, and handed out one transaction (`Unit`) at a time.

No SQLAlchemy here: a command that reads or writes an up-to-date ledger imports only
the driver (ADR 0015). SQLAlchemy and Alembic own the schema and the migrations
(store/migrate.py, store/engine.py) and are imported when one must run.

SQLite (ADR 0005): WAL so readers never block the writer, `busy_timeout` so a writer
waits for another instead of failing, `synchronous=FULL` so an acknowledged write
survives power loss, foreign keys on, and writes in `BEGIN IMMEDIATE` so two writers
cannot both read then both try to upgrade to a write lock. PostgreSQL: READ COMMITTED,
with writers locking the group row first (`SELECT … FOR UPDATE`) so a group's writes
are serialised. Both run with the driver's autocommit on and our own BEGIN/COMMIT.

The use cases' writes wait for the lock in slices (`wait_slice_ms`), so that the caller
can say it waits and cancel (services/retry.py). `open_watch` gives live refresh the
cheapest signal that another connection committed: SQLite's `PRAGMA data_version`,
PostgreSQL's `LISTEN` on the channel every write notifies.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from splitledger.store.errors import MissingDriverError
from splitledger.store.location import Target, prepare_sqlite_file
from splitledger.store.unit import Unit

#: psycopg is an optional dependency: SQLite, the default, needs nothing more.
POSTGRES_EXTRA = "PostgreSQL needs the \"postgres\" extra: pip install 'splitledger[postgres]'"
BUSY_TIMEOUT_MS = 15_000
#: How long one try of a use case's write waits for the lock (SQLite's busy timeout for
#: that try; PostgreSQL's lock_timeout when the caller follows the wait): the longest a
#: cancel waits to be heard.
WAIT_SLICE_MS = 250
#: The channel every write on PostgreSQL notifies, in its own transaction. The payload
#: is the ledger's schema: ledgers in other schemas of the same database share the
#: channel, and their writes are not news to this one.
CHANGES_CHANNEL = "splitledger_changes"
NOTIFY_CHANGE = f"SELECT pg_notify('{CHANGES_CHANNEL}', current_schema())"
#: Idle connections kept for the next transaction (the app's workers share them).
POOL_SIZE = 5


def wait_slice_ms() -> int:
    return max(1, min(WAIT_SLICE_MS, BUSY_TIMEOUT_MS))


def waits_per_attempt() -> int:
    """Slices one attempt of a write waits through: as long as the busy timeout."""
    return max(1, BUSY_TIMEOUT_MS // wait_slice_ms())


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        if exc.name == "psycopg":
            raise MissingDriverError(POSTGRES_EXTRA) from None
        raise MissingDriverError(f"{POSTGRES_EXTRA} (psycopg cannot load: {exc})") from None
    return psycopg


def connect_sqlite(path: str, *, timeout_ms: int | None = None) -> sqlite3.Connection:
    """A connection to the SQLite ledger at `path`, with the settings of ADR 0005 (and
    the busy timeout, unless `timeout_ms` says otherwise)."""
    timeout_ms = BUSY_TIMEOUT_MS if timeout_ms is None else timeout_ms
    connection = sqlite3.connect(
        path, timeout=timeout_ms / 1000, check_same_thread=False, isolation_level=None
    )
    try:
        configure_sqlite(connection, timeout_ms)
    except BaseException:
        connection.close()
        raise
    return connection


def configure_sqlite(connection: sqlite3.Connection, timeout_ms: int) -> None:
    """ADR 0005's settings on a new SQLite connection (ours, or SQLAlchemy's for a
    migration): our own BEGIN, the busy timeout, foreign keys, full sync, WAL."""
    connection.isolation_level = None
    connection.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = FULL")
    mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()
    if mode is None or str(mode[0]).lower() not in {"wal", "memory"}:
        raise sqlite3.OperationalError("could not switch the database to WAL mode")


class _Pooled:
    """A driver connection and what we set on it (SQLite's busy timeout changes with
    the role: a sliced write waits one slice, anything else the whole timeout)."""

    __slots__ = ("busy_ms", "dbapi")

    def __init__(self, dbapi: Any, busy_ms: int) -> None:
        self.dbapi = dbapi
        self.busy_ms = busy_ms


class Database:
    """One ledger database: its driver connections, handed out a transaction at a time."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.sqlite = target.sqlite
        self.where = target.where
        #: Transactions begun so far (tests count the reads a screen costs with it).
        self.begun = 0
        self._idle: list[_Pooled] = []
        self._lock = threading.Lock()
        self._closed = False
        #: An in-memory SQLite database lives in one connection: every transaction uses
        #: it, one at a time.
        self.memory = self.sqlite and target.path in (None, ":memory:")
        self._only: _Pooled | None = None
        self._only_lock = threading.RLock()
        if self.sqlite:
            if target.path is not None and target.path != ":memory:":
                prepare_sqlite_file(target.path)
        else:
            _psycopg()  # a missing extra is said on open, not at the first read

    def connect(self) -> Any:
        """A new driver connection outside the pool (the caller closes it); for an
        in-memory database, its one connection (which `close` closes)."""
        if self.memory:
            if self._only is None:
                self._only = _Pooled(connect_sqlite(":memory:"), BUSY_TIMEOUT_MS)
            return self._only.dbapi
        if self.sqlite:
            return connect_sqlite(self.target.path or ":memory:")
        return _psycopg().connect(self.target.dsn, autocommit=True)

    def _checkout(self) -> _Pooled:
        if self.memory:
            self._only_lock.acquire()
            self.connect()
            assert self._only is not None  # noqa: S101 - connect() made it
            return self._only
        with self._lock:
            while self._idle:
                pooled = self._idle.pop()
                if self.sqlite or not (pooled.dbapi.closed or pooled.dbapi.broken):
                    return pooled
        return _Pooled(self.connect(), BUSY_TIMEOUT_MS)

    def _checkin(self, pooled: _Pooled, healthy: bool) -> None:
        if self.memory:
            self._only_lock.release()
            return
        with self._lock:
            if healthy and not self._closed and len(self._idle) < POOL_SIZE:
                self._idle.append(pooled)
                return
        pooled.dbapi.close()

    @contextmanager
    def transaction(
        self, *, write: bool = False, sliced: bool = False, commit: bool = True
    ) -> Iterator[Unit]:
        """One database transaction: committed when the block ends, rolled back if it
        raises (or always, without `commit`). `write`: it takes the write lock at once
        (SQLite: BEGIN IMMEDIATE); `sliced`: that wait lasts at most one slice."""
        pooled = self._checkout()
        connection = pooled.dbapi
        healthy = False
        try:
            if self.sqlite:
                busy = wait_slice_ms() if write and sliced else BUSY_TIMEOUT_MS
                if pooled.busy_ms != busy:  # only when a connection changes roles
                    connection.execute(f"PRAGMA busy_timeout = {busy}")
                    pooled.busy_ms = busy
            cursor = connection.cursor()
            cursor.execute("BEGIN IMMEDIATE" if write and self.sqlite else "BEGIN")
            self.begun += 1
            try:
                yield Unit(cursor, sqlite=self.sqlite)
            except BaseException:
                _rollback(connection)
                raise
            if commit:
                connection.execute("COMMIT")
            else:
                connection.execute("ROLLBACK")
            healthy = True
        finally:
            self._checkin(pooled, healthy)

    def open_watch(self) -> ChangeWatch | None:
        """A `ChangeWatch` on a new connection outside the pool (close it when done), or
        None where no other connection can write (an in-memory SQLite database)."""
        if self.sqlite:
            if not self.target.path or self.target.path == ":memory:":
                return None
            return _SqliteWatch(connect_sqlite(self.target.path, timeout_ms=1000))
        connection = self.connect()
        try:
            return _PostgresWatch(connection)
        except BaseException:
            connection.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for pooled in idle:
            pooled.dbapi.close()
        if self._only is not None:
            self._only.dbapi.close()
            self._only = None


def _rollback(connection: Any) -> None:
    """Roll back after an error; a connection too broken for that is closed by the
    pool (the error that broke it is the one worth raising)."""
    with contextlib.suppress(Exception):  # the original error is being raised
        connection.execute("ROLLBACK")


# -- live refresh ---------------------------------------------------------------------


class ChangeWatch(Protocol):
    """A dedicated connection that tells when another connection may have committed."""

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Within about `seconds` (sooner when `stop` is set), whether something was
        committed since the last call; a True without a change is allowed."""
        ...

    def close(self) -> None: ...


class _SqliteWatch:
    """`PRAGMA data_version` on a connection of its own: the number changes when any
    other connection commits to the file, ours included, and this one never writes.
    (It is per connection: asked on a pooled one that has just written, it would miss
    that write.) One PRAGMA a look: no table is read."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._seen = self._version()

    def _version(self) -> object:
        row = self._connection.execute("PRAGMA data_version").fetchone()
        return None if row is None else row[0]

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        if stop.wait(seconds):
            return False
        now = self._version()
        changed, self._seen = now != self._seen, now
        return changed

    def close(self) -> None:
        self._connection.close()


class _PostgresWatch:
    """`LISTEN` on a connection of its own (autocommit): every write notifies
    `CHANGES_CHANNEL` in its transaction, so a notification arrives on commit only.
    Only notifications naming this ledger's schema count."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        row = connection.execute("SELECT current_schema()").fetchone()
        self._schema = None if row is None else row[0]
        connection.execute(f"LISTEN {CHANGES_CHANNEL}")

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        deadline = time.monotonic() + seconds
        got = False
        while not got and not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for note in self._connection.notifies(timeout=left, stop_after=1):
                got = got or note.payload == self._schema
        if got:  # the others queued meanwhile are the same news
            for _ in self._connection.notifies(timeout=0):
                pass
        return got and not stop.is_set()

    def close(self) -> None:
        self._connection.close()
