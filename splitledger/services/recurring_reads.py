"""Reading recurring bills (ADR 0016): each schedule's dates through a day, which
are recorded (found by their keys), which are skipped and why (a pause, the group's
closed period, an archived group), and the views the faces show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import cast

from splitledger import domain
from splitledger.domain import recurrence
from splitledger.domain.recurrence import Every, Rule
from splitledger.services.entries import EntryCases
from splitledger.services.errors import NotFound
from splitledger.services.recurring_views import (
    Occurrence,
    OccurrenceStatus,
    ScheduleView,
    Status,
    occurrence_key,
)
from splitledger.store import definitions, repository
from splitledger.store.repository import MemberRef
from splitledger.store.repository import recurring as store
from splitledger.store.repository.recurring import ScheduleRecord
from splitledger.store.unit import Unit

#: How many later dates a schedule's next date is looked for in, past pauses.
_LOOKAHEAD = 20_000

#: Groups' (archived, closed through) as one read of the schedules found them.
_GroupState = dict[int, tuple[bool, dt.date | None]]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A schedule's dates through some day, read in one unit of work."""

    record: ScheduleRecord
    rule: Rule
    dates: tuple[dt.date, ...]  # effective, through the day asked
    recorded: dict[dt.date, int]  # date -> transaction id


def schedule_rule(rec: ScheduleRecord) -> Rule:
    return Rule(
        cast(Every, rec.every),  # stored as checked
        rec.starts,
        rec.interval,
        rec.day_of_month,
        rec.until,
        rec.count,
    )


def _paused_on(rec: ScheduleRecord, date: dt.date) -> bool:
    return any(a <= date and (b is None or date <= b) for a, b in rec.pauses)


class ScheduleReadCases(EntryCases):
    """Schedules with their next dates, and the occurrences not yet recorded."""

    #: The day the schedules take for today; None (the default): the real today. Tests
    #: set it (a plain value, not a use case).
    today_override: dt.date | None = None

    def _today(self) -> dt.date:
        return self.today_override or dt.date.today()

    # -- reading -----------------------------------------------------------------

    def _plans(self, unit: Unit, rows: Sequence[ScheduleRecord], through: dt.date) -> list[_Plan]:
        """Each schedule's effective dates through `through` and which are recorded."""
        plans: list[tuple[ScheduleRecord, Rule, tuple[dt.date, ...]]] = []
        for rec in rows:
            rule = schedule_rule(rec)
            last = through if rec.ends_on is None else min(through, rec.ends_on)
            dates = recurrence.occurrences(
                rule, through=last, after=rec.effective_from - dt.timedelta(days=1)
            )
            plans.append((rec, rule, tuple(dates)))
        keys = [occurrence_key(rec.id, d) for rec, _, dates in plans for d in dates]
        found = repository.find_by_keys(unit, keys) if keys else {}
        return [
            _Plan(
                rec,
                rule,
                dates,
                {d: found[k].id for d in dates if (k := occurrence_key(rec.id, d)) in found},
            )
            for rec, rule, dates in plans
        ]

    @staticmethod
    def _skip_reason(unit: Unit, rec: ScheduleRecord, date: dt.date, cache: _GroupState) -> str:
        """Why the occurrence on `date` is not recorded, or "" when it may be."""
        if rec.group_id not in cache:
            head = repository.group_head(unit, group_id=rec.group_id)
            assert head is not None  # noqa: S101 (a foreign key guarantees it)
            cache[rec.group_id] = (head.archived, head.closed_through)
        is_archived, closed = cache[rec.group_id]
        if is_archived:
            return "the group is archived"
        if closed is not None and date <= closed:
            return f"in the closed period (through {closed.isoformat()})"
        if _paused_on(rec, date):
            return "the schedule was paused"
        return ""

    def _view(
        self,
        unit: Unit,
        plan: _Plan,
        group: str,
        members: dict[int, MemberRef],
        replaced_by: int | None,
        now: dt.date,
        cache: _GroupState,
    ) -> ScheduleView:
        rec, rule = plan.record, plan.rule
        bill = definitions.decode(rec.bill)
        pending = [d for d in plan.dates if d not in plan.recorded]
        due = [d for d in pending if not self._skip_reason(unit, rec, d, cache)]
        next_date = due[0] if due else self._next_later(unit, rec, rule, now, cache)
        status: Status = "active"
        if replaced_by is not None:
            status = "replaced"
        elif rec.ends_on is not None and rec.ends_on <= now:
            status = "ended"  # until its last day it is what it was (its view says the end)
        elif next_date is None and not any(b is None for _, b in rec.pauses):
            status = "finished"
        elif any(b is None for _, b in rec.pauses):
            status = "paused"

        def name(member_id: int) -> str:
            found = members.get(member_id)
            return f"#{member_id}" if found is None else found.name

        receipt = bill.receipt
        return ScheduleView(
            id=rec.id,
            group=group,
            description=rec.description,
            category=rec.category,
            note=rec.note,
            amount=bill.amount,
            currency=bill.currency,
            paid_by=tuple((name(m), v) for m, v in bill.paid_by),
            split=bill.split,
            participants=tuple((name(m), v) for m, v in bill.participants),
            items=()
            if receipt is None
            else tuple((d, a, tuple(name(m) for m in ms)) for d, a, ms in receipt.items),
            tax=None if receipt is None else receipt.tax,
            tip=None if receipt is None else receipt.tip,
            every=rec.every,
            interval=rec.interval,
            day_of_month=rec.day_of_month,
            starts=rec.starts,
            until=rec.until,
            count=rec.count,
            effective_from=rec.effective_from,
            ends_on=rec.ends_on,
            pauses=rec.pauses,
            replaces=rec.replaces_id,
            replaced_by=replaced_by,
            status=status,
            rule=rule.text(),
            next_date=next_date,
            due=sum(1 for d in due if d <= now),
            recorded=len(plan.recorded),
            last_recorded=max(plan.recorded, default=None),
        )

    def _next_later(
        self,
        unit: Unit,
        rec: ScheduleRecord,
        rule: Rule,
        now: dt.date,
        cache: _GroupState,
    ) -> dt.date | None:
        """The first date after `now` the schedule will record, or None."""
        start = max(now, rec.effective_from - dt.timedelta(days=1))
        later: Iterator[dt.date] = recurrence.occurrences(
            rule, through=rec.ends_on or domain.DATE_MAX, after=start
        )
        paused_for_good = min((a for a, b in rec.pauses if b is None), default=None)
        for date in islice(later, _LOOKAHEAD):
            if paused_for_good is not None and date >= paused_for_good:
                return None  # paused until resumed: every later date is skipped
            if not self._skip_reason(unit, rec, date, cache):
                return date
        return None

    def _views(self, unit: Unit, rows: Sequence[ScheduleRecord]) -> list[ScheduleView]:
        now = self._today()
        plans = self._plans(unit, rows, now)
        names = repository.group_names(unit, (r.group_id for r in rows))
        after = store.successors(unit, [r.id for r in rows])
        members: dict[int, dict[int, MemberRef]] = {}
        cache: _GroupState = {}
        for gid in {r.group_id for r in rows}:
            refs = repository.member_refs(unit, gid)
            members[gid] = {m.id: m for m in refs.values()}
        return [
            self._view(
                unit,
                p,
                names[p.record.group_id],
                members[p.record.group_id],
                after.get(p.record.id),
                now,
                cache,
            )
            for p in plans
        ]

    def schedules(self, group: str | None = None) -> list[ScheduleView]:
        """The schedules of `group` (of every group with None), oldest first, each with
        its next date and how many are due."""

        def work(unit: Unit) -> list[ScheduleView]:
            gid = None if group is None else self._group(unit, group).id
            return self._views(unit, store.schedules(unit, gid))

        return self._read(work)

    def schedule(self, schedule_id: int) -> ScheduleView:
        """One schedule (`NotFound` if there is none with that id)."""
        return self._read(
            lambda unit: self._views(unit, [self._schedule_row(unit, schedule_id)])[0]
        )

    @staticmethod
    def _schedule_row(unit: Unit, schedule_id: int) -> ScheduleRecord:
        found = (
            None if not 0 < schedule_id <= domain.MAX_ID else store.get_schedule(unit, schedule_id)
        )
        if found is None:
            raise NotFound(f"no recurring bill #{schedule_id}", field="schedule")
        return found

    def _occurrences(
        self, unit: Unit, group: str | None, through: dt.date, now: dt.date
    ) -> list[Occurrence]:
        """Every occurrence not yet recorded through `through`, oldest first: due,
        skipped (with the reason) or not due (after `now`)."""
        gid = None if group is None else self._group(unit, group).id
        rows = [r for r in store.schedules(unit, gid)]
        names = repository.group_names(unit, (r.group_id for r in rows))
        cache: _GroupState = {}
        found: list[Occurrence] = []
        for plan in self._plans(unit, rows, through):
            rec = plan.record
            bill = definitions.decode(rec.bill)
            for date in plan.dates:
                if date in plan.recorded:
                    continue
                reason = self._skip_reason(unit, rec, date, cache)
                status: OccurrenceStatus = (
                    "skipped" if reason else "not due" if date > now else "due"
                )
                found.append(
                    Occurrence(
                        date,
                        rec.id,
                        names[rec.group_id],
                        rec.description,
                        bill.amount,
                        bill.currency,
                        status,
                        reason if status == "skipped" else "",
                    )
                )
        found.sort(key=lambda o: (o.date, o.schedule_id))
        return found

    def recurring_due(
        self, group: str | None = None, *, through: dt.date | None = None
    ) -> list[Occurrence]:
        """The occurrences to record now (dated up to `through`, default and at most
        today), oldest first: what the app offers ("3 rent bills are due since 1 Oct")."""
        now = self._today()
        until = now if through is None else min(through, now)
        return [
            o
            for o in self._read(lambda unit: self._occurrences(unit, group, until, now))
            if o.status == "due"
        ]
