"""Engines tuned per backend.

SQLite (docs/adr/0005): WAL so readers never block the writer, `busy_timeout` so a writer
waits for another instead of failing, `synchronous=FULL` so an acknowledged write survives
power loss, foreign keys on, and writes in `BEGIN IMMEDIATE` so two writers cannot both
read then both try to upgrade to a write lock (pysqlite's own BEGIN handling is turned
off as SQLAlchemy's docs prescribe). PostgreSQL: READ COMMITTED, with writers locking the
group row first (`SELECT … FOR UPDATE`) so a group's writes are serialised.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL

from splitledger.store.location import prepare_sqlite_file

BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "splitledger_write"


def _sqlite_engine(url: URL) -> Engine:
    from pathlib import Path

    if url.database and url.database != ":memory:":
        prepare_sqlite_file(Path(url.database))
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
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
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        # Straight to the driver: through exec_driver_sql this cost ~80 µs a write.
        conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def make_engine(url: URL) -> Engine:
    """An engine for `url` with the backend's settings applied."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(
        url,
        pool_size=5,
        max_overflow=40,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
    )


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions begin as writes (SQLite: BEGIN IMMEDIATE)."""
    return engine.execution_options(**{WRITE_OPTION: True})
