"""Bring a database to the schema this code needs, or refuse without touching it.

Opening a ledger upgrades it to head. A database stamped with a revision this code does
not know was written by a newer splitledger: refused, untouched. A file that is not an
SQLite database: refused, untouched.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError

from splitledger.store.engine import writer
from splitledger.store.errors import NewerSchemaError, NotADatabaseError, StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 0x5EED1ED6  # advisory lock id: one migrator at a time


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(_config()).get_heads())


def _known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def _current(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


def _check_not_newer(current: set[str], where: str) -> None:
    unknown = current - _known_revisions()
    if unknown:
        raise NewerSchemaError(
            f"{where} was written by a newer splitledger (schema {', '.join(sorted(unknown))}); "
            "upgrade splitledger to open it. The database was left untouched."
        )


def upgrade(engine: Engine, where: str) -> None:
    """Upgrade the database behind `engine` to head (idempotent and safe to race)."""
    try:
        with engine.connect() as conn:
            current = _current(conn)
    except DatabaseError as exc:
        if "not a database" in str(exc.orig):
            raise NotADatabaseError(
                f"{where} is not a splitledger database (not an SQLite file); it was left "
                "untouched. Choose another path with --db."
            ) from None
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "error"
        raise StoreError(f"cannot open the ledger at {where}: {reason}") from None
    _check_not_newer(current, where)
    if current == head_revisions():
        return
    try:
        with writer(engine).begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            current = _current(conn)  # re-read under the lock: another process may have won
            _check_not_newer(current, where)
            if current != head_revisions():
                command.upgrade(_config(conn), "head")
    except OperationalError as exc:
        raise StoreError(f"cannot migrate {where}: {exc.orig}") from None
