"""Exchange rates recorded for a group (ADR 0007)."""

from __future__ import annotations

import datetime as dt

from splitledger.store.records import RATE_COLUMNS, RATE_SELECT, RateRecord, rate_from
from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit

_RATES = f"SELECT {RATE_SELECT} FROM rates WHERE group_id = ? ORDER BY date, base, quote"  # noqa: S608
_FIND = (
    f"SELECT {RATE_SELECT} FROM rates "  # noqa: S608
    "WHERE group_id = ? AND date = ? AND base = ? AND quote = ?"
)


def rates(unit: Unit, group_id: int) -> list[RateRecord]:
    return [rate_from(unit, r) for r in unit.all(_RATES, (group_id,))]


def find_rate(unit: Unit, group_id: int, date: dt.date, base: str, quote: str) -> RateRecord | None:
    row = unit.one(_FIND, (group_id, unit.date(date), base, quote))
    return None if row is None else rate_from(unit, row)


def add_rate(
    unit: Unit, group_id: int, date: dt.date, base: str, quote: str, rate: str, actor: str
) -> None:
    now = utcnow()
    values = (group_id, unit.date(date), base, quote, rate, unit.stamp(now), actor)
    unit.insert("rates", RATE_COLUMNS, [values])
