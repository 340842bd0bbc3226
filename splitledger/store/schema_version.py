"""Is the ledger at the schema this code needs? One plain read on the driver (two small
queries in one transaction) answers it for the common case (an up-to-date ledger, ADR
0015); only a ledger to create or migrate imports SQLAlchemy and Alembic (migrate.py)."""

from __future__ import annotations

import sqlite3

from splitledger.store.connection import Database
from splitledger.store.errors import NotADatabaseError, StoreError, driver_error

#: The newest migration's revision. A test checks it against Alembic's own head, so a
#: new migration cannot be added without updating it.
HEAD_REVISION = "0006"
_SQLITE_HAS_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
_PG_HAS_TABLE = "SELECT to_regclass('alembic_version')"


def stamped(database: Database) -> set[str] | None:
    """The revisions in `alembic_version`, or None if there is no such table."""
    with database.transaction() as unit:
        found = unit.one(_SQLITE_HAS_TABLE if database.sqlite else _PG_HAS_TABLE)
        if found is None or found[0] is None:
            return None
        return {str(v) for (v,) in unit.all("SELECT version_num FROM alembic_version")}


def ensure_current(database: Database) -> None:
    """Bring the ledger to `HEAD_REVISION` (creating it if empty), or refuse untouched:
    a file that is not an SQLite database, or a schema from a newer splitledger."""
    try:
        revisions = stamped(database)
    except Exception as exc:
        orig = driver_error(exc)
        if orig is None:
            raise
        if isinstance(orig, sqlite3.DatabaseError) and "not a database" in str(orig):
            raise NotADatabaseError(
                f"{database.where} is not a splitledger database (not an SQLite file); it "
                "was left untouched. Choose another path with --db."
            ) from None
        text = str(orig).strip()
        reason = text.splitlines()[0] if text else "error"
        raise StoreError(f"cannot open the ledger at {database.where}: {reason}") from None
    if revisions == {HEAD_REVISION}:
        return
    from splitledger.store import migrate
    from splitledger.store.engine import make_engine

    if database.memory:  # its one connection is the database: not to be closed here
        migrate.upgrade(make_engine(database.target, creator=database.connect), database.where)
        return
    engine = make_engine(database.target)
    try:
        migrate.upgrade(engine, database.where)
    finally:
        engine.dispose()
