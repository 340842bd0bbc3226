"""When a recurring bill falls due: a rule (every N days, weeks, months or years from a
start, until a date or for a count) and the dates it defines (ADR 0016).

The dates are python-dateutil's `rrule` (RFC 5545), not arithmetic of our own: month
ends are where hand-written repeats drift. A monthly bill on day D falls on day D, or on
the month's last day when the month is shorter, and keeps day D in the next month
(`bymonthday=(D, -1), bysetpos=1`: the first of "day D" and "the last day" the month
has); a yearly one on 29 February falls on 28 February in other years.

Every rule is bounded, so that nothing generates "up to the year 12491": an interval of
at most 1000, a count of at most 10000, an end at most 50 years after the start, and
every date within the ledger's range. dateutil is imported on first use, so that a
command that never asks for a date pays nothing for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from splitledger.domain.errors import DomainError
from splitledger.domain.limits import DATE_MAX, check_date

if TYPE_CHECKING:
    from dateutil.rrule import rrule

Every = Literal["day", "week", "month", "year"]
EVERY: tuple[Every, ...] = ("day", "week", "month", "year")
#: `day_of_month` meaning the month's last day.
LAST_DAY = -1
MAX_INTERVAL = 1000
MAX_COUNT = 10_000
MAX_YEARS = 50

_UNIT = {"day": "day", "week": "week", "month": "month", "year": "year"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class RecurrenceError(DomainError):
    """A recurrence rule the ledger refuses (out of bounds, or contradictory)."""


def _years_after(date: dt.date, years: int) -> dt.date:
    """`date` moved `years` years on (29 February to 28 February in a common year)."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def _is_whole(value: object) -> bool:
    """An int, not a bool (one to Python) nor 1.5 or "2", which would reach rrule."""
    return isinstance(value, int) and not isinstance(value, bool)


def _in_range(date: dt.date, field: str) -> None:
    try:
        check_date(date, field=field)
    except DomainError as exc:
        raise RecurrenceError(str(exc), field=field) from None


@dataclass(frozen=True, slots=True)
class Rule:
    """Every `interval` `every`s from `starts` (the first date counted), on
    `day_of_month` for months and years (1-31, or `LAST_DAY`; default: the start's
    day), ending after `until` or after `count` dates (or never)."""

    every: Every
    starts: dt.date
    interval: int = 1
    day_of_month: int | None = None
    until: dt.date | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if self.every not in EVERY:
            raise RecurrenceError(
                f"every: must be one of {', '.join(EVERY)}, not {self.every!r}", field="every"
            )
        if not _is_whole(self.interval) or not 1 <= self.interval <= MAX_INTERVAL:
            raise RecurrenceError(
                f"interval: must be from 1 to {MAX_INTERVAL}, not {self.interval!r}",
                field="interval",
            )
        if self.day_of_month is not None:
            if self.every not in ("month", "year"):
                raise RecurrenceError(
                    "day of month: only for bills that repeat every month or year",
                    field="day_of_month",
                )
            if not _is_whole(self.day_of_month) or not (
                1 <= self.day_of_month <= 31 or self.day_of_month == LAST_DAY
            ):
                raise RecurrenceError(
                    f"day of month: must be from 1 to 31 or 'last', not {self.day_of_month!r}",
                    field="day_of_month",
                )
        _in_range(self.starts, "from")
        if self.until is not None and self.count is not None:
            raise RecurrenceError("give an end date or a count, not both", field="until")
        if self.count is not None and (
            not _is_whole(self.count) or not 1 <= self.count <= MAX_COUNT
        ):
            raise RecurrenceError(
                f"count: must be from 1 to {MAX_COUNT}, not {self.count!r}",
                field="count",
            )
        if self.until is not None:
            _in_range(self.until, "until")
            if self.until < self.starts:
                raise RecurrenceError(
                    f"until: {self.until.isoformat()} is before the start "
                    f"{self.starts.isoformat()}",
                    field="until",
                )
            latest = _years_after(self.starts, MAX_YEARS)
            if self.until > latest:
                raise RecurrenceError(
                    f"until: at most {MAX_YEARS} years after the start (by "
                    f"{latest.isoformat()}), not {self.until.isoformat()}",
                    field="until",
                )

    @property
    def day(self) -> int:
        """The day of the month a monthly or yearly rule falls on (`LAST_DAY` too)."""
        return self.starts.day if self.day_of_month is None else self.day_of_month

    def text(self) -> str:
        """The rule in words: `every 2 months on day 31 (the last day in shorter
        months), from 2026-01-31, 12 times`."""
        unit = _UNIT[self.every]
        words = f"every {unit}" if self.interval == 1 else f"every {self.interval} {unit}s"
        if self.every == "week":
            words += f" on {_WEEKDAYS[self.starts.weekday()]}"
        elif self.every in ("month", "year"):
            month = f" of {self.starts:%B}" if self.every == "year" else ""
            if self.day == LAST_DAY:
                words += f" on the last day{month}"
            else:
                words += f" on day {self.day}{month}"
                if self.day > 28:
                    words += " (the last day in shorter months)"
        words += f", from {self.starts.isoformat()}"
        if self.until is not None:
            words += f" until {self.until.isoformat()}"
        if self.count is not None:
            words += ", once" if self.count == 1 else f", {self.count} times"
        return words

    def rrule_text(self) -> str:
        """The rule as RFC 5545 text (DTSTART and RRULE lines), for other calendars."""
        return str(_rrule(self))


def parse_day_of_month(text: str) -> int:
    """`"31"` -> 31, `"last"` -> `LAST_DAY`; anything else is refused."""
    value = text.strip().lower()
    if value == "last":
        return LAST_DAY
    if not (value.isascii() and value.isdigit() and len(value) <= 2 and 1 <= int(value) <= 31):
        raise RecurrenceError(
            f"day of month: write a day from 1 to 31 or 'last', not {text!r}",
            field="day_of_month",
        )
    return int(value)


@lru_cache(maxsize=512)
def _rrule(rule: Rule) -> rrule:
    from dateutil import rrule as rr

    freq: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
        "day": rr.DAILY,
        "week": rr.WEEKLY,
        "month": rr.MONTHLY,
        "year": rr.YEARLY,
    }
    start = dt.datetime.combine(rule.starts, dt.time())
    until = None if rule.until is None else dt.datetime.combine(rule.until, dt.time())
    if rule.every in ("month", "year"):
        day = rule.day
        by_day: tuple[int, ...] = (LAST_DAY,) if day == LAST_DAY else (day, LAST_DAY)
        return rr.rrule(
            freq[rule.every],
            dtstart=start,
            interval=rule.interval,
            until=until,
            count=rule.count,
            bymonth=rule.starts.month if rule.every == "year" else None,
            bymonthday=by_day,
            bysetpos=1,
        )
    return rr.rrule(
        freq[rule.every], dtstart=start, interval=rule.interval, until=until, count=rule.count
    )


def occurrences(rule: Rule, *, through: dt.date, after: dt.date | None = None) -> Iterator[dt.date]:
    """The dates `rule` defines, strictly increasing, later than `after` (if given) and
    no later than `through` (nor `DATE_MAX`)."""
    end = min(through, DATE_MAX)
    for moment in _rrule(rule):
        day = moment.date()
        if day > end:
            return
        if after is None or day > after:
            yield day


def first_after(rule: Rule, date: dt.date | None) -> dt.date | None:
    """The first date of `rule` later than `date` (the first of all with None), or None
    when the rule ends before."""
    return next(occurrences(rule, through=DATE_MAX, after=date), None)
