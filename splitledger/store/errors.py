"""Errors the store raises when a database cannot be used as a ledger."""

from __future__ import annotations

import sqlite3
import sys


class StoreError(Exception):
    """The database cannot be opened or used; the message says why and what to do."""


class NotADatabaseError(StoreError):
    """The target file exists but is not an SQLite database; it is left untouched."""


class NewerSchemaError(StoreError):
    """The database was written by a newer splitledger; it is left untouched."""


class MissingDriverError(StoreError):
    """The database's driver is not installed (PostgreSQL's psycopg comes with the
    `postgres` extra); the message says what to install."""


def driver_error(exc: BaseException) -> BaseException | None:
    """The database driver's own exception behind `exc`, or None if `exc` is not one.

    The store runs on the driver (ADR 0015), so its errors are sqlite3's or psycopg's
    (which carry a `sqlstate`; matched by module so that SQLite users never import
    psycopg). Migrations run through SQLAlchemy, which wraps the driver's exception in
    `DBAPIError` (`.orig`): looked for only if SQLAlchemy was imported at all.
    """
    if isinstance(exc, sqlite3.Error):
        return exc
    if type(exc).__module__.partition(".")[0] == "psycopg" and hasattr(exc, "sqlstate"):
        return exc
    if "sqlalchemy.exc" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            return exc.orig
    return None
