"""Recurring schedules (ADR 0016): one row per schedule in `recurring_schedules`, its
bill as an expense definition (store.definitions' JSON, members by id, so a rename
changes no schedule) and its rule as plain columns. The bill's note (the note each
occurrence carries) rides in that JSON under "note", present only when there is one:
rows written before schedules had notes read as having none, and need no migration.

A schedule row is configuration, not ledger history: pausing, resuming and ending it
update the row (each change is in the audit log, written by the use case in the same
transaction). Its occurrences are ordinary transactions, found by their idempotency
keys (`recurring:<id>:<date>`); nothing here records them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit

COLUMNS = (
    "group_id",
    "description",
    "category",
    "bill",
    "every",
    "step",
    "day_of_month",
    "starts",
    "until",
    "times",
    "effective_from",
    "ends_on",
    "pauses",
    "replaces_id",
    "created_at",
    "actor",
)
_SELECT = "id, " + ", ".join(COLUMNS)
_BY_ID = f"SELECT {_SELECT} FROM recurring_schedules WHERE id = ?"  # noqa: S608
_OF_GROUP = f"SELECT {_SELECT} FROM recurring_schedules WHERE group_id = ? ORDER BY id"  # noqa: S608
_ALL = f"SELECT {_SELECT} FROM recurring_schedules ORDER BY group_id, id"  # noqa: S608
_SUCCESSORS = "SELECT replaces_id, id FROM recurring_schedules WHERE replaces_id IN ({})"

#: A pause: from its first date to its last (None: still paused).
Pause = tuple[dt.date, dt.date | None]


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    """A schedule as stored. `bill` is an expense definition's JSON
    (`definitions.decode`), `note` the note its occurrences carry (read from that JSON);
    `starts` anchors the rule, `effective_from` is the first date it records (a
    successor's edit date), `ends_on` the last (None: the rule's own end)."""

    id: int
    group_id: int
    description: str
    category: str
    bill: str
    every: str
    interval: int
    day_of_month: int | None
    starts: dt.date
    until: dt.date | None
    count: int | None
    effective_from: dt.date
    ends_on: dt.date | None
    pauses: tuple[Pause, ...]
    replaces_id: int | None
    created_at: dt.datetime
    actor: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class NewSchedule:
    """What a new schedule stores (see `ScheduleRecord`)."""

    group_id: int
    description: str
    category: str
    bill: str
    every: str
    interval: int
    day_of_month: int | None
    starts: dt.date
    until: dt.date | None
    count: int | None
    effective_from: dt.date
    replaces_id: int | None = None
    note: str = ""


def _pauses_text(pauses: Sequence[Pause]) -> str:
    return json.dumps([[a.isoformat(), None if b is None else b.isoformat()] for a, b in pauses])


def _pauses_from(text: str) -> tuple[Pause, ...]:
    return tuple(
        (dt.date.fromisoformat(a), None if b is None else dt.date.fromisoformat(b))
        for a, b in json.loads(text)
    )


_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _with_note(bill: str, note: str) -> str:
    """The bill's JSON with `note` in it; unchanged when there is none (so a schedule
    without a note is stored exactly as before notes existed)."""
    if not note:
        return bill
    body: dict[str, Any] = json.loads(bill)
    body["note"] = note
    return _ENCODE(body)


def _note_of(bill: str) -> str:
    return str(json.loads(bill).get("note", ""))


def _record(unit: Unit, row: tuple[Any, ...]) -> ScheduleRecord:
    def day(value: Any) -> dt.date | None:
        return None if value is None else unit.read_date(value)

    return ScheduleRecord(
        id=row[0],
        group_id=row[1],
        description=row[2],
        category=row[3],
        bill=row[4],
        every=row[5],
        interval=row[6],
        day_of_month=row[7],
        starts=unit.read_date(row[8]),
        until=day(row[9]),
        count=row[10],
        effective_from=unit.read_date(row[11]),
        ends_on=day(row[12]),
        pauses=_pauses_from(row[13]),
        replaces_id=row[14],
        created_at=unit.read_stamp(row[15]),
        actor=row[16],
        note=_note_of(row[4]),
    )


def add_schedule(unit: Unit, new: NewSchedule, *, actor: str) -> int:
    """Store `new`; its id."""

    def day(value: dt.date | None) -> object:
        return None if value is None else unit.date(value)

    return unit.insert_id(
        "recurring_schedules",
        COLUMNS,
        (
            new.group_id,
            new.description,
            new.category,
            _with_note(new.bill, new.note),
            new.every,
            new.interval,
            new.day_of_month,
            unit.date(new.starts),
            day(new.until),
            new.count,
            unit.date(new.effective_from),
            None,
            "[]",
            new.replaces_id,
            unit.stamp(utcnow()),
            actor,
        ),
    )


def get_schedule(unit: Unit, schedule_id: int) -> ScheduleRecord | None:
    row = unit.one(_BY_ID, (schedule_id,))
    return None if row is None else _record(unit, row)


def schedules(unit: Unit, group_id: int | None = None) -> list[ScheduleRecord]:
    """A group's schedules (every group's with None), oldest first."""
    rows = unit.all(_ALL) if group_id is None else unit.all(_OF_GROUP, (group_id,))
    return [_record(unit, r) for r in rows]


def successors(unit: Unit, ids: Sequence[int]) -> dict[int, int]:
    """Schedule id -> the id of the schedule that took over from it (an edit)."""
    return {int(a): int(b) for a, b in unit.all_in(_SUCCESSORS, list(ids))}


def set_ends_on(unit: Unit, schedule_id: int, ends_on: dt.date | None) -> None:
    unit.run(
        "UPDATE recurring_schedules SET ends_on = ? WHERE id = ?",
        (None if ends_on is None else unit.date(ends_on), schedule_id),
    )


def set_pauses(unit: Unit, schedule_id: int, pauses: Sequence[Pause]) -> None:
    unit.run(
        "UPDATE recurring_schedules SET pauses = ? WHERE id = ?",
        (_pauses_text(pauses), schedule_id),
    )
