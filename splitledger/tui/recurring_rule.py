"""The rule panel of a recurring bill's form: every day, week, month or year, an
interval, a day of the month (or the last), until a date or a count; read into
`RecurringCases.add_schedule`'s rule fields, and said in words with its next dates as
it is typed (the domain's own rule: what is shown is what the services will record).
Kept apart from the widgets' screen (`screens.recurring_form`) so that it is easy to
test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from splitledger.domain import recurrence
from splitledger.domain.errors import DomainError
from splitledger.domain.limits import DATE_MAX
from splitledger.domain.recurrence import EVERY, Every, RecurrenceError, Rule
from splitledger.services.errors import InvalidInput

if TYPE_CHECKING:
    from splitledger.services.inputs import ExpenseFields
    from splitledger.services.recurring import ScheduleFields

#: How many of the next dates the panel lists.
SHOWN_DATES = 4

RULE_CSS = """
#rule-panel {
    height: auto;
    margin-top: 1;
    border-top: hkey $accent;
}
#rule-panel .form-row {
    height: 1;
    margin-top: 1;
}
#every {
    width: 12;
}
#interval {
    width: 6;
}
#day-of-month {
    width: 10;
}
#until {
    width: 12;
}
#count {
    width: 7;
}
#rule-panel .rule-label {
    width: auto;
    margin: 0 1 0 2;
}
#rule-text {
    margin-top: 1;
    height: auto;
}
"""


@dataclass(frozen=True, slots=True)
class RuleInput:
    """The rule panel's raw text."""

    every: str = "month"
    interval: str = "1"
    day_of_month: str = ""
    until: str = ""
    count: str = ""


def _whole(text: str, field: str, label: str, most: int) -> int | None:
    """The number typed (None: nothing); what is not digits is refused naming the
    bounds, and the bounds themselves are the rule's to check (0 is refused there)."""
    value = text.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 6):
        raise InvalidInput(
            f"{label}: write a whole number from 1 to {most}, not {value!r}", field=field
        )
    return int(value)


def _day(text: str, field: str, label: str) -> dt.date | None:
    value = text.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{label}: {value[:20]!r} is not a date (use YYYY-MM-DD)", field=field
        ) from None


def rule_of(panel: RuleInput, starts: dt.date) -> Rule:
    """The rule the panel describes from `starts`; `InvalidInput` naming the field
    (the domain's own bounds: interval, count, an end within 50 years)."""
    if panel.every not in EVERY:
        raise InvalidInput("every: pick day, week, month or year", field="every")
    every: Every = panel.every  # (narrowed by the check just above)
    day: int | None = None
    if panel.day_of_month.strip():
        if every not in ("month", "year"):
            raise InvalidInput(
                "day of month: only for bills that repeat every month or year",
                field="day_of_month",
            )
        try:
            day = recurrence.parse_day_of_month(panel.day_of_month)
        except DomainError as exc:
            raise InvalidInput(str(exc), field="day_of_month") from None
    # Empty is the default, every 1 (the form's help says so); 0 is refused by the rule
    # like any other number out of bounds, never read as 1.
    interval = _whole(panel.interval, "interval", "interval", recurrence.MAX_INTERVAL)
    try:
        return Rule(
            every,
            starts,
            1 if interval is None else interval,
            day,
            _day(panel.until, "until", "until"),
            _whole(panel.count, "count", "times", recurrence.MAX_COUNT),
        )
    except RecurrenceError as exc:
        raise InvalidInput(str(exc), field=exc.field) from None


def schedule_fields(bill: ExpenseFields, rule: Rule) -> ScheduleFields:
    """`add_schedule`'s fields: the bill as the expense form reads it (its date is the
    rule's start; its note is each occurrence's) and the rule."""
    fields: ScheduleFields = {
        "description": bill["description"],
        "amount": bill["amount"],
        "paid_by": bill["paid_by"],
        "every": rule.every,
        "interval": rule.interval,
        "day_of_month": rule.day_of_month,
        "starts": rule.starts,
        "until": rule.until,
        "count": rule.count,
    }
    for name in ("currency", "split", "participants", "category", "items", "tax", "tip", "note"):
        if name in bill:
            fields[name] = bill[name]  # (the same types in both)
    return fields


def rule_words(rule: Rule, today: dt.date) -> str:
    """The rule in words, its first dates, and how many fall on or before `today` (due
    as soon as the bill is added: they are recorded when the due bills are, once each)."""
    dates = list(islice(recurrence.occurrences(rule, through=DATE_MAX), SHOWN_DATES))
    listed = ", ".join(d.isoformat() for d in dates)
    more = "…" if len(dates) == SHOWN_DATES else ""
    words = f"Repeats {rule.text()}.\nFirst dates: {listed}{more}"
    # (counted up to a bound, each keystroke: a daily bill from 1970 has 20,000)
    bound = recurrence.MAX_COUNT
    due = sum(1 for _ in islice(recurrence.occurrences(rule, through=today), bound + 1))
    if due:
        bills, them = ("bill is", "it") if due == 1 else ("bills are", "them")
        count = f"more than {bound:,}" if due > bound else str(due)
        words += f"\n{count} {bills} due already: r on the recurring screen records {them}."
    return words


class RulePanel(Vertical):
    """The panel's widgets, filled with `start`."""

    def __init__(self, start: RuleInput) -> None:
        super().__init__(id="rule-panel")
        self._start = start

    def compose(self) -> ComposeResult:
        start = self._start
        with Horizontal(classes="form-row"):
            yield Label("Repeats", classes="form-label")
            yield Select(
                [(e, e) for e in EVERY],
                value=start.every,
                allow_blank=False,
                id="every",
                compact=True,
            )
            yield Label("Interval", classes="rule-label")
            yield Input(start.interval, id="interval", compact=True, max_length=4)
            yield Label("Day of month", classes="rule-label")
            yield Input(
                start.day_of_month,
                id="day-of-month",
                placeholder="1-31|last",
                compact=True,
                max_length=4,
            )
        with Horizontal(classes="form-row"):
            yield Label("Ends", classes="form-label")
            yield Label("until", classes="rule-label")
            yield Input(
                start.until, id="until", placeholder="YYYY-MM-DD", compact=True, max_length=10
            )
            yield Label("or after", classes="rule-label")
            yield Input(start.count, id="count", placeholder="times", compact=True, max_length=6)
            yield Label("(both empty: never)", classes="hint rule-label")
        yield Static(id="rule-error", classes="field-error")
        yield Static(id="rule-text", classes="hint")
