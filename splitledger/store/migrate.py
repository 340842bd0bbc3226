"""Bring a database to the schema this code needs, or refuse without touching it.

Opening a ledger upgrades it to head. A database stamped with a revision this code does
not know was written by a newer splitledger: refused, untouched. A file that is not an
SQLite database: refused, untouched.

The app and the CLI call `schema_version.ensure_current`, which answers the common case (a
ledger at `HEAD_REVISION`) with one plain read on the driver and imports this module,
SQLAlchemy and Alembic (~0.5 s together) only when a ledger must be created or migrated.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DatabaseError, OperationalError

from splitledger.store.engine import writer
from splitledger.store.errors import NewerSchemaError, NotADatabaseError, StoreError
from splitledger.store.schema_version import HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
_PG_MIGRATION_LOCK = 0x5EED1ED6  # advisory lock id: one migrator at a time


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(_config()).get_heads())


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def _current(connection: Connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())


def _stamped(connection: Connection) -> set[str] | None:
    """The revisions in `alembic_version` by plain SQL, or None if there is no such table."""
    if connection.dialect.name == "sqlite":
        exists = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first()
    else:
        exists = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if not exists:
        return None
    return {
        str(v)
        for v in connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    }


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
            stamped = _stamped(conn)
    except DatabaseError as exc:
        if "not a database" in str(exc.orig):
            raise NotADatabaseError(
                f"{where} is not a splitledger database (not an SQLite file); it was left "
                "untouched. Choose another path with --db."
            ) from None
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "error"
        raise StoreError(f"cannot open the ledger at {where}: {reason}") from None
    if stamped == {HEAD_REVISION}:
        return
    _check_not_newer(stamped or set(), where)
    from alembic import command

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
