"""Errors the store raises when a database cannot be used as a ledger."""

from __future__ import annotations


class StoreError(Exception):
    """The database cannot be opened or used; the message says why and what to do."""


class NotADatabaseError(StoreError):
    """The target file exists but is not an SQLite database; it is left untouched."""


class NewerSchemaError(StoreError):
    """The database was written by a newer splitledger; it is left untouched."""
