"""Errors the store raises when a database cannot be used as a ledger."""

from __future__ import annotations

import sqlite3


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

    SQLAlchemy wraps what it runs in `DBAPIError` (the driver's exception is `.orig`), but
    statements on the raw cursor (ADR 0008) and the BEGIN issued in the engine's `begin`
    event raise the driver's exceptions unwrapped: sqlite3's, or psycopg's (which carry a
    `sqlstate`; matched by module so that SQLite users never import psycopg).
    """
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        return exc.orig
    if isinstance(exc, sqlite3.Error):
        return exc
    if type(exc).__module__.partition(".")[0] == "psycopg" and hasattr(exc, "sqlstate"):
        return exc
    return None
