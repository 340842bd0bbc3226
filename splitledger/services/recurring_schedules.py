"""Changing recurring bills (ADR 0016): adding one, pausing, resuming, ending, and
editing from a date on (the schedule ends the day before and a successor naming it takes
over, so recorded bills stay as they are). Each change locks the group and is written to
the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Unpack, cast

from splitledger import domain
from splitledger.domain import recurrence
from splitledger.domain.recurrence import RecurrenceError, Rule
from splitledger.services import inputs
from splitledger.services.core import refuse_archived
from splitledger.services.entries import named_in
from splitledger.services.errors import InvalidInput
from splitledger.services.idempotency import Idempotent
from splitledger.services.inputs import validate
from splitledger.services.recurring_reads import ScheduleReadCases, schedule_rule
from splitledger.services.recurring_views import ScheduleChanges, ScheduleFields, ScheduleView
from splitledger.store import definitions, repository
from splitledger.store.repository import GroupHead
from splitledger.store.repository import recurring as store
from splitledger.store.repository.recurring import ScheduleRecord
from splitledger.store.unit import Unit

#: A change to a schedule under its group's lock: the id of the schedule to answer with.
_Change = Callable[[Unit, GroupHead, ScheduleRecord], int]


def _day_of_month(value: int | str | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    try:
        return recurrence.parse_day_of_month(value)
    except RecurrenceError as exc:
        raise InvalidInput(str(exc), field=exc.field) from None


def _make_rule(**fields: object) -> Rule:
    try:
        return Rule(**fields)  # type: ignore[arg-type]
    except RecurrenceError as exc:
        raise InvalidInput(str(exc), field=exc.field) from None


class ScheduleCases(ScheduleReadCases):
    """Add, pause, resume, end and edit schedules."""

    # -- changing schedules ------------------------------------------------------------

    def add_schedule(
        self, group: str, *, key: str | None = None, **fields: Unpack[ScheduleFields]
    ) -> ScheduleView:
        """A new recurring bill in `group` (see `ScheduleFields`). Nothing is recorded
        until it is run."""
        rule = _make_rule(
            every=fields["every"],
            starts=fields["starts"],
            interval=fields.get("interval", 1),
            day_of_month=_day_of_month(fields.get("day_of_month")),
            until=fields.get("until"),
            count=fields.get("count"),
        )
        req = _expense_request(group, rule.starts, fields)
        once = Idempotent(
            "recurring.add", None if key is None else key.strip(), _fingerprint(req, rule, None)
        )

        def work(unit: Unit) -> ScheduleView:
            head = self._group(unit, req.group, lock=True)

            def write() -> tuple[ScheduleView, int]:
                new_id = self._store_schedule(unit, head, req, rule, rule.starts, None)
                return self._views(unit, [self._schedule_row(unit, new_id)])[0], new_id

            return once.run(
                unit,
                replay=lambda sid: self._views(unit, [self._schedule_row(unit, sid)])[0],
                write=write,
            )

        return self._write("add recurring bill", work)

    def _store_schedule(
        self,
        unit: Unit,
        head: GroupHead,
        req: inputs.RecordExpense,
        rule: Rule,
        effective_from: dt.date,
        replaces: ScheduleRecord | None,
    ) -> int:
        refuse_archived(head)
        tx, bill = self._build_expense(req, self._group_view(unit, head), "recurring:check")
        self._require_active(unit, head, named_in(tx, bill))
        # None given: everyone who is a member on each occurrence's day.
        stored = bill.stored(self._member_rows(unit, head), everyone=not req.participants)
        new_id = store.add_schedule(
            unit,
            store.NewSchedule(
                group_id=head.id,
                description=req.description,
                category=req.category,
                bill=definitions.encode(stored),
                every=rule.every,
                interval=rule.interval,
                day_of_month=rule.day_of_month,
                starts=rule.starts,
                until=rule.until,
                count=rule.count,
                effective_from=effective_from,
                replaces_id=None if replaces is None else replaces.id,
                note=req.note,
            ),
            actor=self.actor,
        )
        if replaces is not None and replaces.pauses:
            store.set_pauses(unit, new_id, replaces.pauses)
        self._changed(
            unit,
            "recurring.edit" if replaces else "recurring.add",
            group_id=head.id,
            entity_id=new_id,
            payload={
                "schedule": new_id,
                "replaces": None if replaces is None else replaces.id,
                "from": effective_from.isoformat(),
                "description": req.description,
                "category": req.category,
                "amount": bill.amount,
                "currency": bill.currency,
                "rule": rule.text(),
                # absent when empty: payloads of schedules without one unchanged
                **({"note": req.note} if req.note else {}),
            },
        )
        return new_id

    def _change(
        self,
        schedule_id: int,
        operation: str,
        change: _Change,
    ) -> ScheduleView:
        """Run `change(unit, head, schedule)` under the group's lock and answer with the
        schedule as it is after."""

        def work(unit: Unit) -> ScheduleView:
            rec = self._schedule_row(unit, schedule_id)
            head = repository.group_head(unit, group_id=rec.group_id, lock=True)
            assert head is not None  # noqa: S101 (a foreign key guarantees it)
            refuse_archived(head)
            rec = self._schedule_row(unit, schedule_id)  # as it is under the lock
            if store.successors(unit, [rec.id]):
                raise InvalidInput(
                    f"recurring bill #{rec.id} was replaced by an edit; change its successor "
                    f"#{store.successors(unit, [rec.id])[rec.id]}",
                    field="schedule",
                )
            answer = change(unit, head, rec)
            return self._views(unit, [self._schedule_row(unit, answer)])[0]

        return self._write(operation, work)

    def pause_schedule(self, schedule_id: int, *, on: dt.date | None = None) -> ScheduleView:
        """Pause from `on` (default today): occurrences dated while paused are skipped."""
        start = on or self._today()
        _check_date(start, "on")

        def change(unit: Unit, head: GroupHead, rec: ScheduleRecord) -> int:
            open_ = [a for a, b in rec.pauses if b is None]
            if open_:
                raise InvalidInput(
                    f"recurring bill #{rec.id} is already paused (since {open_[0].isoformat()})",
                    field="schedule",
                )
            store.set_pauses(unit, rec.id, [*rec.pauses, (start, None)])
            self._log(unit, head, rec, "recurring.pause", {"from": start.isoformat()})
            return rec.id

        return self._change(schedule_id, "pause recurring bill", change)

    def resume_schedule(self, schedule_id: int, *, on: dt.date | None = None) -> ScheduleView:
        """Resume from `on` (default today): the occurrences between the pause and `on`
        stay skipped; resuming on or before the pause's first day skips none."""
        start = on or self._today()
        _check_date(start, "on")

        def change(unit: Unit, head: GroupHead, rec: ScheduleRecord) -> int:
            if not any(b is None for _, b in rec.pauses):
                raise InvalidInput(f"recurring bill #{rec.id} is not paused", field="schedule")
            pauses: list[store.Pause] = []
            for a, b in rec.pauses:
                if b is not None:
                    pauses.append((a, b))
                elif start > a:
                    pauses.append((a, start - dt.timedelta(days=1)))
            store.set_pauses(unit, rec.id, pauses)
            self._log(unit, head, rec, "recurring.resume", {"from": start.isoformat()})
            return rec.id

        return self._change(schedule_id, "resume recurring bill", change)

    def end_schedule(self, schedule_id: int, *, on: dt.date | None = None) -> ScheduleView:
        """End on `on` (default today): nothing dated later is recorded. Occurrences
        already recorded after `on` must be dealt with first (they are not undone)."""
        last = on or self._today()
        _check_date(last, "on")

        def change(unit: Unit, head: GroupHead, rec: ScheduleRecord) -> int:
            if rec.ends_on is not None and rec.ends_on <= last:
                raise InvalidInput(
                    f"recurring bill #{rec.id} already ends on {rec.ends_on.isoformat()}",
                    field="on",
                )
            self._refuse_recorded_after(unit, rec, last, "end it on or after that day")
            store.set_ends_on(unit, rec.id, last)
            self._log(unit, head, rec, "recurring.end", {"on": last.isoformat()})
            return rec.id

        return self._change(schedule_id, "end recurring bill", change)

    def edit_schedule(
        self, schedule_id: int, *, from_date: dt.date, **changes: Unpack[ScheduleChanges]
    ) -> ScheduleView:
        """Change a schedule from `from_date` on: it ends the day before, and a successor
        with the changes (naming it) takes over; recorded occurrences stay as they are.
        Answers with the successor."""
        _check_date(from_date, "from_date")

        def change(unit: Unit, head: GroupHead, rec: ScheduleRecord) -> int:
            if from_date < rec.effective_from:
                raise InvalidInput(
                    f"from date: recurring bill #{rec.id} takes effect on "
                    f"{rec.effective_from.isoformat()}; change it from then on",
                    field="from_date",
                )
            if rec.ends_on is not None and from_date > rec.ends_on:
                raise InvalidInput(
                    f"from date: recurring bill #{rec.id} ends on {rec.ends_on.isoformat()}",
                    field="from_date",
                )
            self._refuse_recorded_after(
                unit,
                rec,
                from_date - dt.timedelta(days=1),
                "edit that expense itself, or change the schedule from a later date",
            )
            rule, req = self._changed_schedule(unit, head, rec, from_date, changes)
            store.set_ends_on(unit, rec.id, from_date - dt.timedelta(days=1))
            return self._store_schedule(unit, head, req, rule, from_date, rec)

        return self._change(schedule_id, "edit recurring bill", change)

    def _changed_schedule(
        self,
        unit: Unit,
        head: GroupHead,
        rec: ScheduleRecord,
        from_date: dt.date,
        changes: ScheduleChanges,
    ) -> tuple[Rule, inputs.RecordExpense]:
        old = self._views(unit, [rec])[0]
        cadence = any(changes.get(f) is not None for f in ("every", "interval", "day_of_month"))
        every = changes.get("every") or rec.every
        day = _day_of_month(changes.get("day_of_month"))
        if day is None and cadence and every in ("month", "year"):
            day = schedule_rule(rec).day if rec.every in ("month", "year") else None
        elif day is None and not cadence:
            day = rec.day_of_month
        until, count = changes.get("until"), changes.get("count")
        if until is None and count is None:
            until, count = rec.until, rec.count
        # None keeps it; anything else given (0 too) is the rule's to accept or refuse
        interval = changes.get("interval")
        if interval is None:
            interval = 1 if cadence and "interval" not in changes else rec.interval
        rule = _make_rule(
            every=every,
            starts=from_date if cadence else rec.starts,
            interval=interval,
            day_of_month=day,
            until=until,
            count=count,
        )
        kept: ScheduleFields = {
            "description": old.description,
            "amount": old.amount,
            "paid_by": old.paid_by,
            "currency": old.currency,
            "split": old.split,
            "participants": old.participants,
            "category": old.category,
            "items": old.items,
            "tax": old.tax,
            "tip": old.tip,
            "note": old.note,
            "every": rule.every,
            "starts": rule.starts,
        }
        # a note of '' is a change (it clears the note); None keeps it
        given = {n: v for n, v in changes.items() if v is not None and n in _BILL_FIELDS}
        kept = cast(ScheduleFields, {**kept, **cast(dict[str, Any], given)})
        if changes.get("split") not in (None, "itemised"):
            kept["items"], kept["tax"], kept["tip"] = (), None, None
        if changes.get("split") == "itemised":
            kept["participants"] = ()
        return rule, _expense_request(head.name, from_date, kept)

    def _refuse_recorded_after(
        self, unit: Unit, rec: ScheduleRecord, last: dt.date, advice: str
    ) -> None:
        plan = self._plans(unit, [rec], domain.DATE_MAX if rec.ends_on is None else rec.ends_on)[0]
        later = sorted(d for d in plan.recorded if d > last)
        if later:
            raise InvalidInput(
                f"the bill of {later[0].isoformat()} is already recorded (#"
                f"{plan.recorded[later[0]]}); {advice}",
                field="from_date",
            )

    def _log(
        self, unit: Unit, head: GroupHead, rec: ScheduleRecord, action: str, extra: dict[str, str]
    ) -> None:
        self._changed(
            unit,
            action,
            group_id=head.id,
            entity_id=rec.id,
            payload={"schedule": rec.id, "description": rec.description, **extra},
        )


_BILL_FIELDS = frozenset(
    {"description", "amount", "paid_by", "currency", "split", "participants", "category"}
    | {"items", "tax", "tip", "note"}
)


def _check_date(date: dt.date, field: str) -> None:
    try:
        domain.check_date(date, field=field.replace("_", " "))
    except domain.DomainError as exc:
        raise InvalidInput(str(exc), field=field) from None


def _expense_request(group: str, date: dt.date, fields: ScheduleFields) -> inputs.RecordExpense:
    """The bill as the expense use case's request (the input policy applies to its text)."""
    return validate(
        inputs.RecordExpense,
        group=group,
        date=date,
        description=fields["description"],
        amount=fields["amount"],
        paid_by=tuple(fields["paid_by"]),
        currency=fields.get("currency"),
        split=fields.get("split", "equal"),
        participants=tuple(fields.get("participants", ())),
        category=fields.get("category", ""),
        items=tuple((d, a, tuple(ms)) for d, a, ms in fields.get("items", ())),
        tax=fields.get("tax"),
        tip=fields.get("tip"),
        note=fields.get("note", ""),
    )


def _fingerprint(req: inputs.RecordExpense, rule: Rule, replaces: int | None) -> str:
    import hashlib  # a write's only: reads of the ledger never hash (ADR 0015)

    body = f"{req.fingerprint('recurring.add')}:{rule!r}:{replaces}"
    return hashlib.sha256(body.encode()).hexdigest()
