"""Closing a period (ADR 0018): after `close_period(group, through)`, nothing dated on or
before `through` can be recorded, edited or deleted in the group; a correction is a new
entry dated after it. The refusal itself is in `LedgerCore` (core.py), where every write
appends; this module records closes and answers what is closed."""

from __future__ import annotations

import datetime as dt

from splitledger.services import inputs, views
from splitledger.services.core import LedgerCore
from splitledger.services.errors import InvalidInput
from splitledger.services.idempotency import Idempotent
from splitledger.services.inputs import validate
from splitledger.store.repository import GroupHead, periods
from splitledger.store.unit import Unit


class PeriodCases(LedgerCore):
    """Close a group's period; read its close."""

    def close_period(
        self, group: str, through: dt.date, *, key: str | None = None
    ) -> views.PeriodClose:
        """Close `group` through `through`: later than the close in force (a close only
        moves forward) and not after today. Audited; `InvalidInput` otherwise, and
        `ReadOnly` for an archived group."""
        req = validate(inputs.ClosePeriod, group=group, through=through, key=key)
        once = Idempotent.of("period.close", req, req.key)

        def work(unit: Unit) -> views.PeriodClose:
            row = self._group(unit, req.group, lock=True)

            def replay(_: int) -> views.PeriodClose:
                found = periods.latest_close(unit, row.id)
                assert found is not None  # noqa: S101 (closes are never deleted)
                return _view(row.name, found)

            def write() -> tuple[views.PeriodClose, int]:
                _check_forward(row, req.through, dt.date.today())
                close = periods.add_close(unit, row.id, req.through, self.actor)
                row.closed_through = close.through
                self._changed(
                    unit,
                    once.operation,
                    group_id=row.id,
                    entity_id=close.id,
                    payload={"through": close.through.isoformat()},
                )
                return _view(row.name, close), close.id

            return once.run(unit, replay=replay, write=write)

        return self._write("close period", work)

    def closed_through(self, group: str) -> views.PeriodClose | None:
        """The close in force in `group` (its date, when and by whom), or None if the
        group was never closed."""

        def work(unit: Unit) -> views.PeriodClose | None:
            row = self._group(unit, group)
            found = periods.latest_close(unit, row.id)
            return None if found is None else _view(row.name, found)

        return self._read(work)

    def period_closes(self, group: str) -> list[views.PeriodClose]:
        """Every close of `group`, oldest first (the last is in force)."""

        def work(unit: Unit) -> list[views.PeriodClose]:
            row = self._group(unit, group)
            return [_view(row.name, c) for c in periods.closes(unit, row.id)]

        return self._read(work)


def _check_forward(group: GroupHead, through: dt.date, today: dt.date) -> None:
    if through > today:
        raise InvalidInput(
            f"through: {through.isoformat()} is after today ({today.isoformat()}); "
            "a period can be closed once it is over",
            field="through",
        )
    current = group.closed_through
    if current is not None and through <= current:
        raise InvalidInput(
            f"through: {group.name} is already closed through {current.isoformat()}; "
            "a close only moves forward (give a later date)",
            field="through",
        )


def _view(group: str, close: periods.CloseRecord) -> views.PeriodClose:
    at = close.closed_at
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return views.PeriodClose(group, close.through, at, close.actor)
