"""The dates of a recurrence rule (domain.recurrence), checked against an oracle that
counts calendar days and months by hand (the product uses dateutil's rrule; the oracle
must not), and the month-end and leap-year rule stated plainly."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from itertools import islice, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain.recurrence import (
    LAST_DAY,
    MAX_COUNT,
    MAX_INTERVAL,
    RecurrenceError,
    Rule,
    first_after,
    occurrences,
    parse_day_of_month,
)

START = st.dates(dt.date(1970, 1, 1), dt.date(2060, 12, 31))


def _last(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _on_day(year: int, month: int, day: int) -> dt.date:
    """Day `day` of the month, or its last day when shorter (or with LAST_DAY)."""
    last = _last(year, month)
    return dt.date(year, month, last if day == LAST_DAY else min(day, last))


def oracle(rule: Rule, through: dt.date) -> list[dt.date]:
    """The rule's dates by hand: k intervals on from the start, bounded as the rule is."""
    found: list[dt.date] = []
    end = min(through, rule.until or dt.date.max, dt.date(2099, 12, 31))
    for k in range(100_000):
        if rule.every in ("day", "week"):
            step = rule.interval * (7 if rule.every == "week" else 1)
            date = rule.starts + dt.timedelta(days=k * step)
        elif rule.every == "month":
            index = rule.starts.month - 1 + k * rule.interval
            date = _on_day(rule.starts.year + index // 12, index % 12 + 1, rule.day)
        else:
            date = _on_day(rule.starts.year + k * rule.interval, rule.starts.month, rule.day)
        if date < rule.starts:  # the start's own period, before the start
            continue
        if date > end or (rule.count is not None and len(found) == rule.count):
            break
        found.append(date)
    return found


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    every = draw(st.sampled_from(["day", "week", "month", "year"]))
    starts = draw(START)
    interval = draw(st.integers(1, 40) if every in ("day", "week") else st.integers(1, 14))
    day = None
    if every in ("month", "year") and draw(st.booleans()):
        day = draw(st.sampled_from([1, 15, 28, 29, 30, 31, LAST_DAY]))
    end = draw(st.sampled_from(["none", "until", "count"]))
    until = count = None
    if end == "until":
        until = starts + dt.timedelta(days=draw(st.integers(0, 3000)))
    elif end == "count":
        count = draw(st.integers(1, 60))
    return Rule(every, starts, interval, day, until, count)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(rules(), st.integers(0, 4000))
def test_the_dates_are_the_oracles_increasing_and_bounded(rule: Rule, days: int) -> None:
    through = rule.starts + dt.timedelta(days=days)
    dates = list(occurrences(rule, through=through))
    assert dates == oracle(rule, through)
    assert all(a < b for a, b in pairwise(dates))
    assert all(rule.starts <= d <= through for d in dates)
    if rule.until is not None:
        assert all(d <= rule.until for d in dates)
    if rule.count is not None:
        assert len(dates) <= rule.count


@settings(max_examples=200, deadline=None)
@given(rules(), st.integers(0, 3000), st.integers(-10, 3000))
def test_after_leaves_out_exactly_the_dates_up_to_it(rule: Rule, days: int, cut: int) -> None:
    through = rule.starts + dt.timedelta(days=days)
    after = rule.starts + dt.timedelta(days=cut)
    every = list(occurrences(rule, through=through))
    assert list(occurrences(rule, through=through, after=after)) == [d for d in every if d > after]
    nxt = first_after(rule, after)
    assert nxt is None or nxt > after


@settings(max_examples=300, deadline=None)
@given(
    START,
    st.sampled_from([29, 30, 31, LAST_DAY]),
    st.integers(1, 13),
    st.booleans(),
)
def test_month_ends_never_drift(starts: dt.date, day: int, interval: int, given_day: bool) -> None:
    """Day D of a shorter month is its last day, and the next long-enough month is on
    day D again (never on the day the short month pushed it to)."""
    if not given_day and day != LAST_DAY:
        starts = _on_day(starts.year, starts.month, day)
        if starts.day != day:
            return  # this start's month is too short to start on day D
    rule = Rule("month", starts, interval, day if given_day or day == LAST_DAY else None)
    dates = list(islice(occurrences(rule, through=dt.date(2099, 12, 31)), 60))
    for date in dates:
        last = _last(date.year, date.month)
        expected = last if day == LAST_DAY else min(day, last)
        assert date.day == expected
    months = [d.year * 12 + d.month for d in dates]
    assert all(b - a == interval for a, b in pairwise(months))  # no month skipped


@settings(max_examples=100, deadline=None)
@given(st.integers(1970, 2040), st.integers(1, 9))
def test_29_february_is_the_28th_in_common_years(year: int, interval: int) -> None:
    leap = next(y for y in range(year, year + 4) if calendar.isleap(y))
    rule = Rule("year", dt.date(leap, 2, 29), interval, count=12)
    dates = list(occurrences(rule, through=dt.date(2099, 12, 31)))
    assert [d.year for d in dates] == [leap + k * interval for k in range(len(dates))]
    for date in dates:
        assert (date.month, date.day) == (2, 29 if calendar.isleap(date.year) else 28)


def test_the_examples_read_as_a_person_expects() -> None:
    rent = Rule("month", dt.date(2026, 1, 31), count=5)
    assert [d.isoformat() for d in occurrences(rent, through=dt.date(2027, 1, 1))] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
    ]
    assert rent.text() == (
        "every month on day 31 (the last day in shorter months), from 2026-01-31, 5 times"
    )
    assert "BYMONTHDAY=31,-1" in rent.rrule_text()
    weekly = Rule("week", dt.date(2026, 12, 7), 2, until=dt.date(2027, 1, 4))
    assert weekly.text() == "every 2 weeks on Monday, from 2026-12-07 until 2027-01-04"
    last = Rule("month", dt.date(2026, 2, 3), day_of_month=LAST_DAY, count=2)
    assert list(occurrences(last, through=dt.date(2027, 1, 1))) == [
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"interval": MAX_INTERVAL + 1}, "interval: must be from 1 to 1000"),
        ({"interval": 0}, "interval"),
        ({"count": MAX_COUNT + 1}, "count: must be from 1 to 10000"),
        ({"count": 0}, "count"),
        ({"until": dt.date(2077, 1, 2)}, "at most 50 years after the start (by 2077-01-01)"),
        ({"until": dt.date(2026, 12, 31)}, "is before the start"),
        ({"until": dt.date(2027, 1, 2), "count": 3}, "not both"),
        ({"day_of_month": 32}, "day of month"),
        ({"every": "fortnight"}, "every: must be one of"),
        ({"every": "week", "day_of_month": 3}, "only for bills that repeat every month or year"),
        ({"starts": dt.date(1969, 12, 31)}, "outside the supported range"),
    ],
)
def test_rules_out_of_bounds_are_refused(kwargs: dict[str, object], words: str) -> None:
    fields: dict[str, object] = {"every": "month", "starts": dt.date(2027, 1, 1), **kwargs}
    with pytest.raises(RecurrenceError, match=re.escape(words)):
        Rule(**fields)  # type: ignore[arg-type]


def test_fifty_years_is_the_longest_and_open_rules_stop_at_the_ledgers_end() -> None:
    Rule("day", dt.date(2024, 2, 29), until=dt.date(2074, 2, 28))
    endless = Rule("year", dt.date(2090, 6, 1))
    assert list(occurrences(endless, through=dt.date(9999, 1, 1)))[-1] == dt.date(2099, 6, 1)


@pytest.mark.parametrize(("text", "day"), [("1", 1), ("31", 31), (" LAST ", LAST_DAY), ("09", 9)])
def test_day_of_month_reads_a_day_or_last(text: str, day: int) -> None:
    assert parse_day_of_month(text) == day


@pytest.mark.parametrize("text", ["0", "32", "0031", "-1", "first", "٣", "", "1e1"])
def test_day_of_month_refuses_anything_else(text: str) -> None:
    with pytest.raises(RecurrenceError, match="day of month"):
        parse_day_of_month(text)
