"""The `currencies` table: each currency's exponent, fixed the first time the ledger uses
the currency (ADR 0002). Rows are only ever added (triggers refuse UPDATE and DELETE):
every amount of a currency stays at the scale it was written at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from splitledger.store.unit import Unit

_INSERT = (
    "INSERT INTO currencies (code, exponent, pinned_at) VALUES (?, ?, ?) "
    "ON CONFLICT (code) DO NOTHING"
)
_SELECT = "SELECT code, exponent FROM currencies WHERE code IN ({})"


def load(unit: Unit) -> dict[str, int]:
    """Every pinned currency of the ledger, with its exponent."""
    rows = unit.all("SELECT code, exponent FROM currencies")
    return {str(code): int(places) for code, places in rows}


def pin_missing(raw: Unit, wanted: Mapping[str, int]) -> dict[str, int]:
    """Pin each code of `wanted` that the ledger has not pinned yet, in the caller's
    transaction, and return the exponent the ledger holds for each code of `wanted`.

    Insert-if-absent: a writer that races another to pin the same code waits for it
    (PostgreSQL's unique index) and then keeps the winner's row; it never fails. Codes go
    in sorted order, so two writers pinning two codes cannot deadlock.
    """
    codes = sorted(wanted)
    stamp = raw.stamp(dt.datetime.now(dt.UTC))
    raw.many(_INSERT, [(code, wanted[code], stamp) for code in codes])
    return {str(code): int(places) for code, places in raw.all_in(_SELECT, codes)}
