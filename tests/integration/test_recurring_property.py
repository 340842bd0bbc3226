"""Properties of recording recurring bills (ADR 0016), over random rules (month ends and
leap years included) on SQLite and PostgreSQL: however the runs are cut (several
`through` dates, repeated, or several at once in threads with their own connections),
each occurrence up to the latest `through` is recorded exactly once, none later; and the
balances hold exactly the occurrences up to `through`."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger.domain.recurrence import LAST_DAY, Rule, occurrences
from splitledger.services.ledger import Ledger
from tests.databases import migrated_pg, migrated_pg_template, new_sqlite_ledger, pg_schema

TODAY = dt.date(2026, 11, 15)
AMOUNT = 3000  # 30.00 EUR, ann pays, three share: ann +20.00 per occurrence


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    every = draw(st.sampled_from(["day", "week", "month", "year"]))
    back = {"day": 400, "week": 1500, "month": 4000, "year": 9000}[every]
    starts = TODAY - dt.timedelta(days=draw(st.integers(-30, back)))
    interval = draw(st.integers(1, 5 if every != "day" else 20))
    day = None
    if every in ("month", "year") and draw(st.booleans()):
        day = draw(st.sampled_from([1, 28, 29, 30, 31, LAST_DAY]))
    end = draw(st.sampled_from(["none", "until", "count"]))
    until = count = None
    if end == "until":
        until = starts + dt.timedelta(days=draw(st.integers(0, back)))
    elif end == "count":
        count = draw(st.integers(1, 40))
    return Rule(every, starts, interval, day, until, count)  # type: ignore[arg-type]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest, sqlite_template: Path) -> Iterator[object]:
    """How to make a new migrated ledger per example: the SQLite template, or the
    PostgreSQL dump of a migrated schema (None: migrate each)."""
    if request.param == "sqlite":
        yield sqlite_template
    else:
        yield ("pg", migrated_pg_template())


@contextlib.contextmanager
def new_ledger(backend: object) -> Iterator[str]:
    if isinstance(backend, Path):
        with tempfile.TemporaryDirectory() as folder:
            yield new_sqlite_ledger(backend, Path(folder))
        return
    assert isinstance(backend, tuple)
    with pg_schema("rp") as url:
        if backend[1] is not None:
            migrated_pg(backend[1], url)
        yield url


def open_ledger(url: str) -> Ledger:
    book = Ledger.open(url, actor="tester")
    book.today_override = TODAY
    return book


def add(book: Ledger, rule: Rule) -> int:
    book.create_group("Flat", "EUR", ["ann", "bob", "cy"])
    return book.add_schedule(
        "Flat",
        description="Bill",
        amount="30.00",
        paid_by=[("ann", None)],
        every=rule.every,
        interval=rule.interval,
        day_of_month=rule.day_of_month,
        starts=rule.starts,
        until=rule.until,
        count=rule.count,
    ).id


def recorded_dates(book: Ledger) -> list[dt.date]:
    return sorted(tx.date for tx in book.history("Flat", limit=10_000))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rules(), st.lists(st.integers(0, 400), min_size=1, max_size=4), st.integers(1, 3))
def test_each_occurrence_is_recorded_once_however_the_runs_are_cut(
    backend: object, rule: Rule, backs: list[int], threads: int
) -> None:
    throughs = [TODAY - dt.timedelta(days=b) for b in backs]
    with new_ledger(backend) as url:
        with open_ledger(url) as book:
            add(book, rule)
            for through in throughs:
                book.run_recurring(through=through)
            latest = max(throughs)
            assert recorded_dates(book) == list(occurrences(rule, through=latest))

        # Then several at once, each with its own connection, through today.
        books = [open_ledger(url) for _ in range(threads)]
        barrier = threading.Barrier(threads)
        found: list[list[dt.date]] = [[] for _ in books]
        errors: list[BaseException] = []

        def race(number: int) -> None:
            try:
                barrier.wait()
                report = books[number].run_recurring()
                found[number] = [o.date for o in report.having("recorded")]
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        workers = [threading.Thread(target=race, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert errors == []
        every = list(occurrences(rule, through=TODAY))
        later = [d for d in every if d > latest]
        assert sorted(d for f in found for d in f) == later  # once, by one thread
        assert recorded_dates(books[0]) == every
        balances = {b.member: b.minor for b in books[0].balances("Flat").balances}
        assert balances.get("ann", 0) == 2000 * len(every)
        assert sum(balances.values()) == 0
        for book in books:
            book.close()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rules(), st.integers(0, 3000))
def test_balances_hold_exactly_the_occurrences_up_to_through(
    backend: object, rule: Rule, back: int
) -> None:
    through = TODAY - dt.timedelta(days=back)
    with new_ledger(backend) as url, open_ledger(url) as book:
        add(book, rule)
        ahead = book.run_recurring(through=TODAY + dt.timedelta(days=400), dry_run=True)
        assert all(o.date > TODAY for o in ahead.having("not due"))
        assert recorded_dates(book) == []
        book.run_recurring(through=through)
        dates = list(occurrences(rule, through=through))
        assert recorded_dates(book) == dates
        assert book.balances("Flat").total_spent.get("EUR", 0) == AMOUNT * len(dates)
        due = book.recurring_due()
        assert [o.date for o in due] == [d for d in occurrences(rule, through=TODAY) if d > through]
