"""Recurring bills (ADR 0016): schedules, what is due, and recording it.

A schedule is a bill (an expense definition: amount, payers, split, members by id) and a
rule (`domain.recurrence.Rule`). Its occurrences are ordinary expenses, recorded through
the expense use case's own request model and builder, under the idempotency key
`recurring:<schedule id>:<ISO date>`: each is recorded once however many processes run
the schedules at once (they take the group's lock in turn, and the second finds the
key). Only dates up to today are recorded; later ones are listed as not due and never
touch a balance. Who takes an odd cent is seeded by `share_key` (group, description,
date), not by that key: the app previews the first bill before the schedule has an id,
and what it shows is what is recorded.

An edit applies from a date on: the schedule ends the day before and a successor (which
names it, `replaces`) takes over with the same anchor, so an unchanged cadence keeps its
days and its count. Pausing skips the occurrences dated while paused; resuming on or
before the pause's first day skips none. Every change is in the audit log.

The app's API: `schedules` (with each one's next date), `schedule`, `recurring_due`
(the occurrences to offer: "3 rent bills are due since 1 Oct"), `run_recurring`
(record them, or with `dry_run` say what would be), `add_schedule`, `pause_schedule`,
`resume_schedule`, `end_schedule`, `edit_schedule`. Nothing here imports pydantic at
load time: reads never pay for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial

from splitledger.services import inputs
from splitledger.services.entries import named_in
from splitledger.services.errors import Conflict, InvalidInput
from splitledger.services.idempotency import Idempotent
from splitledger.services.inputs import validate
from splitledger.services.recurring_schedules import ScheduleCases
from splitledger.services.recurring_views import (
    Occurrence,
    OccurrenceStatus,
    RunReport,
    ScheduleChanges,
    ScheduleFields,
    ScheduleView,
    occurrence_key,
    share_key,
)
from splitledger.store import definitions
from splitledger.store.repository import MemberRef
from splitledger.store.repository.recurring import ScheduleRecord
from splitledger.store.unit import Unit

__all__ = [
    "Occurrence",
    "OccurrenceStatus",
    "RecurringCases",
    "RunReport",
    "ScheduleChanges",
    "ScheduleFields",
    "ScheduleView",
    "occurrence_key",
    "share_key",
]

#: Occurrences recorded per database transaction: a long catch-up holds the group's
#: lock a few hundred milliseconds at a time, not for all of it.
CHUNK = 200


class RecurringCases(ScheduleCases):
    """Recurring bills (ADR 0016): schedules (recurring_schedules.py, recurring_reads.py)
    and recording their occurrences."""

    # -- recording -----------------------------------------------------------------

    def run_recurring(
        self, group: str | None = None, *, through: dt.date | None = None, dry_run: bool = False
    ) -> RunReport:
        """Record every due occurrence of `group`'s schedules (every group's with None)
        dated up to `through` (default today; later than today is refused unless
        `dry_run`, which records nothing and lists those as "not due"). Each is
        recorded exactly once, however many processes run at once."""
        now = self._today()
        until = now if through is None else through
        if until > now and not dry_run:
            raise InvalidInput(
                f"through: {until.isoformat()} is after today ({now.isoformat()}); bills are "
                "recorded once their date has come (a dry run may look ahead)",
                field="through",
            )
        listed = self._read(lambda unit: self._occurrences(unit, group, until, now))
        if dry_run:
            return RunReport(until, True, tuple(listed))
        skipped = [o for o in listed if o.status == "skipped"]
        done: list[Occurrence] = []
        for gid in dict.fromkeys(o.group for o in listed if o.status == "due"):
            refused: dict[str, Occurrence] = {}
            while True:
                batch, more = self._write(
                    "record recurring bills",
                    partial(self._record_some, group=gid, through=until, now=now, refused=refused),
                )
                done += batch
                if not more:
                    break
            skipped += refused.values()
        report = sorted([*done, *skipped], key=lambda o: (o.date, o.schedule_id))
        return RunReport(until, False, tuple(report))

    def _record_some(
        self,
        unit: Unit,
        group: str,
        through: dt.date,
        now: dt.date,
        refused: dict[str, Occurrence],
    ) -> tuple[list[Occurrence], bool]:
        """Record up to `CHUNK` of `group`'s due occurrences, under its lock (what
        another process recorded meanwhile is found recorded); those the expense use
        case refuses (a removed member, say) go to `refused`. Whether more are due."""
        head = self._group(unit, group, lock=True)
        due = [
            o
            for o in self._occurrences(unit, head.name, through, now)
            if o.status == "due" and occurrence_key(o.schedule_id, o.date) not in refused
        ]
        view = self._group_view(unit, head)
        members = {m.id: m for m in self._member_rows(unit, head).values()}
        rows: dict[int, ScheduleRecord] = {}
        recorded: list[Occurrence] = []
        for occurrence in due[:CHUNK]:
            rec = rows.get(occurrence.schedule_id) or self._schedule_row(
                unit, occurrence.schedule_id
            )
            rows[rec.id] = rec
            key = occurrence_key(rec.id, occurrence.date)
            try:
                req = validate(
                    inputs.RecordExpense,
                    group=head.name,
                    key=key,
                    date=occurrence.date,
                    description=rec.description,
                    category=rec.category,
                    note=rec.note,
                    **_bill_fields(rec, members),
                )
                once = Idempotent.of("tx.expense", req, key)
                if once.earlier(unit) is not None:
                    continue  # recorded by a write not keyed to a transaction
                # Seeded as the form's preview of it was (`share_key`), keyed as itself.
                seed = share_key(head.id, rec.description, occurrence.date)
                tx, bill = self._build_expense(req, view, seed)
                tx = replace(tx, idempotency_key=key)
                self._require_active(unit, head, named_in(tx, bill))
            except (InvalidInput, Conflict) as exc:
                refused[key] = replace(occurrence, status="skipped", reason=str(exc))
                continue
            written = self._append(unit, head, tx, action="tx.expense")
            self._save_bill(unit, head, written.id, bill)
            once.remember(unit, written.id)
            recorded.append(replace(occurrence, status="recorded", tx_id=written.id))
        return recorded, len(due) > CHUNK


def _bill_fields(rec: ScheduleRecord, members: dict[int, MemberRef]) -> dict[str, object]:
    """A schedule's bill as `RecordExpense` fields, members by their current names."""
    bill = definitions.decode(rec.bill)

    def name(member_id: int) -> str:
        found = members.get(member_id)
        if found is None:
            raise InvalidInput(f"member #{member_id} of this bill is gone", field="member")
        return found.name

    receipt = bill.receipt
    return {
        "amount": bill.amount,
        "currency": bill.currency,
        "paid_by": tuple((name(m), v) for m, v in bill.paid_by),
        "split": bill.split,
        "participants": tuple((name(m), v) for m, v in bill.participants),
        "items": ()
        if receipt is None
        else tuple((d, a, tuple(name(m) for m in ms)) for d, a, ms in receipt.items),
        "tax": None if receipt is None else receipt.tax,
        "tip": None if receipt is None else receipt.tip,
    }
