"""A bill counts once as of every date, whatever was corrected (ADR 0017, amended).

A deletion, an edit and an undo each reverse a version; unless told another date, the
reversal takes the version's own date, so as of any day the balances are those of the
bills as they now stand: the sum of the postings of the transactions never reversed,
dated up to that day. Before, an edit's reversal was dated the day of the edit while the
new version kept the bill's date, and an undone deletion came back on the bill's date
beside the original: both counted twice on the days between. A reversal dated before
what it reverses (taking back what was not there yet) is refused."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger import domain
from splitledger.services.errors import InvalidInput, ServiceError
from splitledger.services.ledger import Ledger
from splitledger.services.views import TxView
from tests.integration.random_ledgers import (
    MEMBERS,
    asked_days,
    day,
    days,
    expense,
    payment,
    record,
)

Step = tuple[Any, ...]
_names = itertools.count()

delete = st.tuples(st.just("delete"), st.integers(0, 50))
edit = st.tuples(
    st.just("edit"),
    st.integers(0, 50),
    st.one_of(st.none(), st.integers(1, 100_000)),
    st.one_of(st.none(), days),
)
undo = st.tuples(st.just("undo"), st.integers(0, 50))
steps = st.lists(st.one_of(expense, expense, payment, delete, edit, undo), max_size=14)


def apply(ledger: Ledger, group: str, step: Step, history: list[TxView]) -> None:
    """Record `step`; a change the services refuse (undo of nothing) is skipped."""
    standing = [t for t in history if t.kind != "reversal" and t.reversed_by is None]
    bills = [t for t in standing if t.kind == "expense"]
    kind = step[0]
    if kind in ("expense", "payment"):
        record(ledger, group, step)
    elif kind == "delete" and standing:
        ledger.reverse(standing[step[1] % len(standing)].id)
    elif kind == "edit" and bills:
        _, pick, minor, offset = step
        ledger.edit_expense(
            bills[pick % len(bills)].id,
            amount=None if minor is None else domain.format_amount(minor, "EUR", grouping=False),
            date=None if offset is None else day(offset),
        )
    elif kind == "undo" and history:
        with contextlib.suppress(ServiceError):
            ledger.undo(history[step[1] % len(history)].id)


def standing_through(history: list[TxView], when: dt.date) -> dict[tuple[str, str], int]:
    """The oracle: the postings of what was never reversed, dated up to `when`."""
    sums: dict[tuple[str, str], int] = {}
    for tx in history:
        if tx.kind != "reversal" and tx.reversed_by is None and tx.date <= when:
            for p in tx.postings:
                sums[p.member, p.currency] = sums.get((p.member, p.currency), 0) + p.minor
    return {k: v for k, v in sums.items() if v}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(plan=steps, asked=st.lists(asked_days, min_size=1, max_size=3))
def test_as_of_any_date_the_balances_are_the_bills_as_they_now_stand(
    ledger: Ledger, plan: list[Step], asked: list[dt.date]
) -> None:
    group = f"C{next(_names)}"
    ledger.create_group(group, "EUR", list(MEMBERS))
    history: list[TxView] = []
    for step in plan:
        apply(ledger, group, step, history)
        history = list(ledger.history(group, limit=10_000))
    for when in [*asked, *sorted({tx.date for tx in history})]:
        view = ledger.balances(group, as_of=when)
        got = {(b.member, b.currency): b.minor for b in view.balances if b.minor}
        assert got == standing_through(history, when), when
    assert ledger.verify().ok


def test_a_reversal_is_never_dated_before_what_it_reverses(trip: Ledger) -> None:
    tx = trip.record_expense(
        "Trip", description="Dinner", amount="10", paid_by=[("ann", None)], date=day(40)
    )
    with pytest.raises(InvalidInput, match="cannot be dated before it") as refused:
        trip.reverse(tx.id, date=day(39))
    assert refused.value.field == "date"
    assert trip.transaction(tx.id).tx.reversed_by is None  # nothing recorded
    assert trip.reverse(tx.id, date=day(40)).date == day(40)  # the same day is fine


def test_an_undone_cancellation_comes_back_on_the_day_it_was_cancelled(trip: Ledger) -> None:
    """A deletion dated after the bill cancels it from then on; undone, the bill stands
    from its own day through the cancellation and on, counted once on every day."""
    tx = trip.record_expense(
        "Trip", description="Dinner", amount="30", paid_by=[("ann", None)], date=day(10)
    )
    cancelled = trip.reverse(tx.id, date=day(20))
    back = trip.undo(cancelled.id)
    assert back.date == day(20)
    history = list(trip.history("Trip", limit=100))
    for offset in (9, 10, 15, 19, 20, 30):
        when = day(offset)
        got = {b.member: b.minor for b in trip.balances("Trip", as_of=when).balances if b.minor}
        assert got == ({} if offset < 10 else {"ann": 2000, "bob": -1000, "cy": -1000}), when
    assert len(history) == 3
