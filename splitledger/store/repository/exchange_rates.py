"""Exchange rates recorded for a group (ADR 0007)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from splitledger.store.repository.clock import utcnow
from splitledger.store.schema import (
    RateRow,
)


def rates(session: Session, group_id: int) -> list[RateRow]:
    query = (
        select(RateRow)
        .where(RateRow.group_id == group_id)
        .order_by(RateRow.date, RateRow.base, RateRow.quote)
    )
    return list(session.scalars(query))


def find_rate(
    session: Session, group_id: int, date: dt.date, base: str, quote: str
) -> RateRow | None:
    query = select(RateRow).where(
        RateRow.group_id == group_id,
        RateRow.date == date,
        RateRow.base == base,
        RateRow.quote == quote,
    )
    return session.scalars(query).one_or_none()


def add_rate(
    session: Session, group_id: int, date: dt.date, base: str, quote: str, rate: str, actor: str
) -> RateRow:
    row = RateRow(
        group_id=group_id,
        date=date,
        base=base,
        quote=quote,
        rate=rate,
        created_at=utcnow(),
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row
