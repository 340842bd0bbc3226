"""The types of the recurring bills' API (ADR 0016): what `add_schedule` and
`edit_schedule` take, and the schedules, occurrences and run reports the use cases
answer with. Plain values, safe to hand to any face or thread; no pydantic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Required, TypedDict

from splitledger.services.inputs import Assignments, Items

Status = Literal["active", "paused", "ended", "finished", "replaced"]
OccurrenceStatus = Literal["due", "recorded", "skipped", "not due"]


def occurrence_key(schedule_id: int, date: dt.date) -> str:
    """The idempotency key of a schedule's occurrence on `date`."""
    return f"recurring:{schedule_id}:{date.isoformat()}"


def share_key(group_id: int, description: str, date: dt.date) -> str:
    """The key whose seed picks who takes the odd cents of a schedule's bill dated
    `date` (ADR 0003; a lone expense's is its idempotency key).

    Not `occurrence_key`: a schedule has an id only once stored, and the form previews
    its first bill before that (seeded otherwise, it showed one person's odd cent and
    the bill charged another's). So it is made of what the form knows and the schedule
    keeps — its group, its description as the input policy stores it, the date —: the
    same for every look and every retry, another for each date and description, so the
    odd cent still moves from bill to bill (it is never stored: the bill's idempotency
    key stays `occurrence_key`)."""
    import hashlib  # (on first use: reads never hash, ADR 0015)
    import unicodedata

    text = unicodedata.normalize("NFC", description).strip()  # as the policy stores it
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"recurring-share:{group_id}:{digest}:{date.isoformat()}"


class ScheduleFields(TypedDict, total=False):
    """`add_schedule`'s keyword arguments: the bill as `record_expense` takes it
    (`inputs.ExpenseFields` without a date) and the rule. `participants` left empty
    means everyone who is a member on each occurrence's day."""

    description: Required[str]
    amount: Required[str]
    paid_by: Required[Assignments]
    currency: str | None
    split: str
    participants: Assignments
    category: str
    items: Items
    tax: str | None
    tip: str | None
    #: Kept with the schedule and carried by each occurrence as the expense's note.
    note: str
    #: "day", "week", "month" or "year".
    every: Required[str]
    interval: int
    #: Months and years: 1-31, or "last" (or `LAST_DAY`); default: the start's day.
    day_of_month: int | str | None
    #: The first date counted (the rule's anchor).
    starts: Required[dt.date]
    #: The last date it may fall on, or None; at most one of `until` and `count`.
    until: dt.date | None
    count: int | None


class ScheduleChanges(TypedDict, total=False):
    """`edit_schedule`'s changes: each given replaces the schedule's (None keeps it).
    A change of `every`, `interval` or `day_of_month` starts the rule anew on the edit's
    date; otherwise the successor keeps the old anchor (its days, its count)."""

    description: str | None
    amount: str | None
    paid_by: Assignments | None
    currency: str | None
    split: str | None
    participants: Assignments | None
    category: str | None
    items: Items | None
    tax: str | None
    tip: str | None
    #: '' clears it.
    note: str | None
    every: str | None
    interval: int | None
    day_of_month: int | str | None
    until: dt.date | None
    count: int | None


@dataclass(frozen=True, slots=True)
class ScheduleView:
    """A schedule as faces show it. `paid_by`/`participants` name members as they are
    called now (a value None: pays the rest / an equal share); empty participants mean
    everyone. `next_date` is the first date not yet recorded that will be (it may be
    today or earlier: then it is due), None when nothing is left."""

    id: int
    group: str
    description: str
    category: str
    #: The note each occurrence carries ('' for none).
    note: str
    amount: str
    currency: str
    paid_by: tuple[tuple[str, str | None], ...]
    split: str
    participants: tuple[tuple[str, str | None], ...]
    items: tuple[tuple[str, str, tuple[str, ...]], ...]
    tax: str | None
    tip: str | None
    every: str
    interval: int
    #: 1-31, `LAST_DAY` (-1), or None (the start's day).
    day_of_month: int | None
    starts: dt.date
    until: dt.date | None
    count: int | None
    effective_from: dt.date
    ends_on: dt.date | None
    #: (first day, last day or None while still paused).
    pauses: tuple[tuple[dt.date, dt.date | None], ...]
    replaces: int | None
    replaced_by: int | None
    status: Status
    #: The rule in words, e.g. "every month on day 31 (the last day in shorter months)…".
    rule: str
    next_date: dt.date | None
    #: Occurrences due (dated today or earlier) and not yet recorded.
    due: int
    recorded: int
    last_recorded: dt.date | None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One date of a schedule. `status`: "due" (to record), "recorded" (by this run,
    as `tx_id`), "skipped" (`reason` says why: paused, closed period, archived group, a
    removed member), "not due" (later than today: listed by a dry run only)."""

    date: dt.date
    schedule_id: int
    group: str
    description: str
    amount: str
    currency: str
    status: OccurrenceStatus
    reason: str = ""
    tx_id: int | None = None


@dataclass(frozen=True, slots=True)
class RunReport:
    """What `run_recurring` recorded (or with `dry_run`, would), through `through`."""

    through: dt.date
    dry_run: bool
    occurrences: tuple[Occurrence, ...]

    def having(self, status: OccurrenceStatus) -> tuple[Occurrence, ...]:
        return tuple(o for o in self.occurrences if o.status == status)
