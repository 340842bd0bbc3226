"""SQLAlchemy engines for what SQLAlchemy still owns: migrations (store/migrate.py) and
tests and tools that inspect a ledger through SQL. The app and the CLI run on the driver
itself (store/connection.py, ADR 0015); this module is imported only when a ledger is
created or migrated. The settings are the same as connection.py's (ADR 0005), and a
write (`writer`) begins with SQLite's BEGIN IMMEDIATE."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from splitledger.store.connection import (
    BUSY_TIMEOUT_MS,
    POSTGRES_EXTRA,
    configure_sqlite,
    wait_slice_ms,
)
from splitledger.store.errors import MissingDriverError
from splitledger.store.location import Target, prepare_sqlite_file

WRITE_OPTION = "splitledger_write"
SLICED_OPTION = "splitledger_sliced"
_BUSY_MS = "splitledger.busy_ms"  # a pooled connection's busy timeout (its record's info)


def _sqlite_engine(url: URL, creator: Callable[[], Any] | None) -> Engine:

    if creator is not None:  # an in-memory ledger: its one connection is the database
        from sqlalchemy.pool import StaticPool

        engine = create_engine(url, creator=creator, poolclass=StaticPool)
    else:
        if url.database and url.database != ":memory:":
            prepare_sqlite_file(url.database)
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        record.info[_BUSY_MS] = BUSY_TIMEOUT_MS
        configure_sqlite(dbapi_connection, BUSY_TIMEOUT_MS)  # (we issue BEGIN ourselves)

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


def make_engine(target: Target, *, creator: Callable[[], Any] | None = None) -> Engine:
    """An engine for `target` with the backend's settings applied; `creator`: the one
    connection of an in-memory SQLite ledger."""
    url = make_url(target.sqlalchemy_url())
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, creator)
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
