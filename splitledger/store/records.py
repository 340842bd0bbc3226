"""Rows as the use cases read them: plain frozen values built from one SELECT each.

Each record lists its columns once (`*_COLUMNS`, in the order of its fields), so that a
query selects exactly what the record holds; `*_from` turns a driver row into one,
converting dates and times as the `Unit` reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from splitledger.store.unit import Unit


class TxRecord(NamedTuple):
    """A row of `transactions`."""

    id: int
    group_id: int
    seq: int
    kind: str
    date: dt.date
    description: str
    category: str
    idempotency_key: str
    reverses_id: int | None
    replaces_id: int | None
    actor: str
    created_at: dt.datetime
    prev_hash: str
    hash: str
    note: str


TX_COLUMNS = (
    "id", "group_id", "seq", "kind", "date", "description", "category", "idempotency_key",
    "reverses_id", "replaces_id", "actor", "created_at", "prev_hash", "hash", "note",
)  # fmt: skip
#: The columns of `TxRecord`, qualified by the table alias `t`.
TX_SELECT = ", ".join(f"t.{c}" for c in TX_COLUMNS)


def tx_from(unit: Unit, row: tuple[Any, ...]) -> TxRecord:
    values = list(row)
    values[4] = unit.read_date(values[4])
    values[11] = unit.read_stamp(values[11])
    return TxRecord(*values)


class GroupRecord(NamedTuple):
    """A row of `groups`."""

    id: int
    name: str
    currency: str
    created_at: dt.datetime
    head_seq: int
    head_hash: str
    archived_at: dt.datetime | None


GROUP_SELECT = "id, name, currency, created_at, head_seq, head_hash, archived_at"


def group_from(unit: Unit, row: tuple[Any, ...]) -> GroupRecord:
    gid, name, currency, created, seq, digest, archived = row
    archived_at = None if archived is None else unit.read_stamp(archived)
    return GroupRecord(gid, name, currency, unit.read_stamp(created), seq, digest, archived_at)


class RateRecord(NamedTuple):
    """A row of `rates`: 1 `base` = `rate` `quote` from `date` on."""

    id: int
    group_id: int
    date: dt.date
    base: str
    quote: str
    rate: str
    created_at: dt.datetime
    actor: str


RATE_COLUMNS = ("group_id", "date", "base", "quote", "rate", "created_at", "actor")
RATE_SELECT = "id, " + ", ".join(RATE_COLUMNS)


def rate_from(unit: Unit, row: tuple[Any, ...]) -> RateRecord:
    rid, gid, date, base, quote, rate, created, actor = row
    return RateRecord(
        rid, gid, unit.read_date(date), base, quote, rate, unit.read_stamp(created), actor
    )


class AuditRecord(NamedTuple):
    """A row of `audit_log`; `payload` is its JSON text."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    group_id: int | None
    entity_id: int | None
    payload: str


AUDIT_SELECT = "id, at, actor, action, group_id, entity_id, payload"


def audit_from(unit: Unit, row: tuple[Any, ...]) -> AuditRecord:
    aid, at, actor, action, gid, entity, payload = row
    return AuditRecord(aid, unit.read_stamp(at), actor, action, gid, entity, payload)
