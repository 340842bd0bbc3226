"""A group's closes (ADR 0018): `period_closes` is append-only, and the latest close of a
group (the one with the latest `through`: a close only moves forward) is in force.
Nothing dated on or before its `through` may be written afterwards; `late_writes` finds
what was written there anyway (behind the application's back)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit


class CloseRecord(NamedTuple):
    """A row of `period_closes`: `group_id`'s dates through `through` are closed from
    `closed_at` on, by `actor`."""

    id: int
    group_id: int
    through: dt.date
    closed_at: dt.datetime
    actor: str


_COLUMNS = "id, group_id, through, closed_at, actor"


def _record(unit: Unit, row: tuple[Any, ...]) -> CloseRecord:
    cid, gid, through, at, actor = row
    return CloseRecord(cid, gid, unit.read_date(through), unit.read_stamp(at), actor)


def latest_close(unit: Unit, group_id: int) -> CloseRecord | None:
    """The close in force in the group, or None (one probe of the unique index)."""
    row = unit.one(
        f"SELECT {_COLUMNS} FROM period_closes WHERE group_id = ? "  # noqa: S608
        "ORDER BY through DESC LIMIT 1",
        (group_id,),
    )
    return None if row is None else _record(unit, row)


def closes(unit: Unit, group_id: int | None = None) -> list[CloseRecord]:
    """Every close (of one group), oldest first."""
    where, params = ("WHERE group_id = ? ", (group_id,)) if group_id is not None else ("", ())
    rows = unit.all(
        f"SELECT {_COLUMNS} FROM period_closes {where}ORDER BY group_id, through",  # noqa: S608
        params,
    )
    return [_record(unit, row) for row in rows]


def latest_throughs(unit: Unit) -> dict[int, dt.date]:
    """Each closed group's latest `through`, by group id (one query for a list)."""
    rows = unit.all("SELECT group_id, MAX(through) FROM period_closes GROUP BY group_id")
    return {gid: unit.read_date(through) for gid, through in rows}


def add_close(unit: Unit, group_id: int, through: dt.date, actor: str) -> CloseRecord:
    """Record a close; the caller holds the group's lock and has checked it moves forward."""
    at = utcnow()
    cid = unit.insert_id(
        "period_closes",
        ("group_id", "through", "closed_at", "actor"),
        (group_id, unit.date(through), unit.stamp(at), actor),
    )
    return CloseRecord(cid, group_id, through, at, actor)


class LateWrite(NamedTuple):
    """A transaction written into a closed period after the close: dated on or before
    its `through` (or reversing or replacing one that is) and created after `closed_at`."""

    tx_id: int
    group_id: int
    date: dt.date
    through: dt.date
    closed_at: dt.datetime


def late_writes(unit: Unit) -> list[LateWrite]:
    """Every transaction written into a period after it was closed, by id. Each close is
    checked (an earlier close's period stays closed under a later one: the later covers
    it); the transactions it could concern are those created after it, few by nature."""
    rows = unit.all(
        "SELECT DISTINCT t.id, t.group_id, t.date, c.through, c.closed_at "
        "FROM period_closes c "
        "JOIN transactions t ON t.group_id = c.group_id AND t.created_at > c.closed_at "
        "LEFT JOIN transactions r ON r.id = t.reverses_id "
        "LEFT JOIN transactions p ON p.id = t.replaces_id "
        "WHERE t.date <= c.through OR r.date <= c.through OR p.date <= c.through "
        "ORDER BY t.id, c.through"
    )
    found: dict[int, LateWrite] = {}
    for tx_id, gid, date, through, at in rows:
        if tx_id not in found:  # the earliest close it breaks
            day, end = unit.read_date(date), unit.read_date(through)
            found[tx_id] = LateWrite(tx_id, gid, day, end, unit.read_stamp(at))
    return list(found.values())
