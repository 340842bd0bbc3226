"""Engines tuned per backend.

SQLite (docs/adr/0005): WAL so readers never block the writer, `busy_timeout` so a writer
waits for another instead of failing, `synchronous=FULL` so an acknowledged write survives
power loss, foreign keys on, and writes in `BEGIN IMMEDIATE` so two writers cannot both
read then both try to upgrade to a write lock (pysqlite's own BEGIN handling is turned
off as SQLAlchemy's docs prescribe). PostgreSQL: READ COMMITTED, with writers locking the
group row first (`SELECT … FOR UPDATE`) so a group's writes are serialised.

The use cases' writes wait for the lock in slices (`wait_slice_ms`), so that the caller
can say it waits and cancel (services/retry.py). `open_watch` gives live refresh the
cheapest signal that another connection committed: SQLite's `PRAGMA data_version`,
PostgreSQL's `LISTEN` on the channel every write notifies.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

from splitledger.store.errors import MissingDriverError
from splitledger.store.location import prepare_sqlite_file

#: psycopg is an optional dependency: SQLite, the default, needs nothing more.
POSTGRES_EXTRA = "PostgreSQL needs the \"postgres\" extra: pip install 'splitledger[postgres]'"
BUSY_TIMEOUT_MS = 15_000
#: How long one try of a use case's write waits for the lock (SQLite's busy timeout for
#: that try; PostgreSQL's lock_timeout when the caller follows the wait): the longest a
#: cancel waits to be heard.
WAIT_SLICE_MS = 250
WRITE_OPTION = "splitledger_write"
SLICED_OPTION = "splitledger_sliced"
#: The channel every write on PostgreSQL notifies, in its own transaction. The payload
#: is the ledger's schema: ledgers in other schemas of the same database share the
#: channel, and their writes are not news to this one.
CHANGES_CHANNEL = "splitledger_changes"
NOTIFY_CHANGE = f"SELECT pg_notify('{CHANGES_CHANNEL}', current_schema())"
_BUSY_MS = "splitledger.busy_ms"  # a pooled connection's busy timeout (its record's info)


def wait_slice_ms() -> int:
    return max(1, min(WAIT_SLICE_MS, BUSY_TIMEOUT_MS))


def waits_per_attempt() -> int:
    """Slices one attempt of a write waits through: as long as the busy timeout."""
    return max(1, BUSY_TIMEOUT_MS // wait_slice_ms())


def _sqlite_engine(url: URL) -> Engine:
    from pathlib import Path

    if url.database and url.database != ":memory:":
        prepare_sqlite_file(Path(url.database))
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        record.info[_BUSY_MS] = BUSY_TIMEOUT_MS
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = FULL")
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() not in {"wal", "memory"}:
                raise sqlite3.OperationalError("could not switch the database to WAL mode")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        pooled = conn.connection
        # Straight to the driver: through exec_driver_sql this cost ~80 µs a write.
        driver = pooled.driver_connection
        busy = wait_slice_ms() if options.get(SLICED_OPTION, False) else BUSY_TIMEOUT_MS
        if pooled.info.get(_BUSY_MS) != busy:  # only when a connection changes roles
            driver.execute(f"PRAGMA busy_timeout = {busy}")
            pooled.info[_BUSY_MS] = busy
        driver.execute("BEGIN IMMEDIATE" if options.get(WRITE_OPTION, False) else "BEGIN")

    return engine


def make_engine(url: URL) -> Engine:
    """An engine for `url` with the backend's settings applied."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    try:
        return create_engine(  # imports the driver
            url,
            pool_size=5,
            max_overflow=40,
            pool_pre_ping=True,
            isolation_level="READ COMMITTED",
        )
    except ImportError as exc:
        if url.get_backend_name() != "postgresql":
            raise
        if exc.name == "psycopg":
            raise MissingDriverError(POSTGRES_EXTRA) from None
        raise MissingDriverError(f"{POSTGRES_EXTRA} (psycopg cannot load: {exc})") from None


def writer(engine: Engine, *, sliced: bool = False) -> Engine:
    """The same engine, whose transactions begin as writes (SQLite: BEGIN IMMEDIATE);
    `sliced`: each waits for the lock at most `wait_slice_ms` (SQLite; the caller
    retries), else up to the busy timeout."""
    return engine.execution_options(**{WRITE_OPTION: True, SLICED_OPTION: sliced})


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


def open_watch(engine: Engine) -> ChangeWatch | None:
    """A `ChangeWatch` on a new connection outside the pool (close it when done), or
    None where no other connection can write (an in-memory SQLite database)."""
    dialect = engine.dialect
    cargs, cparams = dialect.create_connect_args(engine.url)
    if dialect.name == "sqlite":
        if not engine.url.database or engine.url.database == ":memory:":
            return None
        cparams.update(isolation_level=None, check_same_thread=False, timeout=1.0)
        return _SqliteWatch(dialect.loaded_dbapi.connect(*cargs, **cparams))
    connection = dialect.loaded_dbapi.connect(*cargs, **cparams, autocommit=True)
    try:
        return _PostgresWatch(connection)
    except BaseException:
        connection.close()
        raise
