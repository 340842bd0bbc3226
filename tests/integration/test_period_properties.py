"""Properties of closed periods (issue 16, ADR 0018), on SQLite and PostgreSQL: for
random ledgers and a random close date, afterwards no write dated on or before the close
(nor reversing or editing what is) succeeds, every other write does, the balances as of
the close never change, and verify stays clean through the legal writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger import domain
from splitledger.services.errors import Conflict, InvalidInput, ReadOnly, ServiceError
from splitledger.services.ledger import Ledger

MEMBERS = ("ann", "bob", "cy")
START = dt.date(2026, 1, 1)
_names = itertools.count()

Step = tuple[Any, ...]
days = st.integers(0, 60)
expense = st.tuples(
    st.just("expense"),
    st.sampled_from(MEMBERS),
    st.integers(1, 100_000),
    days,
    st.sampled_from(["", "a note"]),
)
payment = st.tuples(st.just("payment"), st.permutations(MEMBERS), st.integers(1, 9_999), days)
reverse = st.tuples(st.just("reverse"), st.integers(0, 30), days)
edit = st.tuples(
    st.just("edit"), st.integers(0, 30), st.integers(1, 100_000), st.one_of(st.none(), days)
)
rate = st.tuples(st.just("rate"), days)
steps = st.lists(st.one_of(expense, expense, payment, reverse, edit, rate), max_size=10)


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def _apply(ledger: Ledger, group: str, step: Step, ids: list[int]) -> None:
    kind = step[0]
    if kind == "expense":
        _, payer, minor, offset, note = step
        tx = ledger.record_expense(
            group,
            description="Bill",
            amount=domain.format_amount(minor, "EUR", grouping=False),
            paid_by=[(payer, None)],
            date=day(offset),
            note=note,
        )
        ids.append(tx.id)
    elif kind == "payment":
        _, (payer, payee, _), minor, offset = step
        amount = domain.format_amount(minor, "EUR", grouping=False)
        ids.append(
            ledger.record_payment(
                group, payer=payer, payee=payee, amount=amount, date=day(offset)
            ).id
        )
    elif kind == "reverse" and ids:
        _, pick, offset = step
        ledger.reverse(ids[pick % len(ids)], date=day(offset))
    elif kind == "edit" and ids:
        _, pick, minor, offset = step
        ledger.edit_expense(
            ids[pick % len(ids)],
            amount=domain.format_amount(minor, "EUR", grouping=False),
            date=None if offset is None else day(offset),
        )
    elif kind == "rate":
        _, offset = step
        ledger.add_rate(group, "USD", "EUR", f"0.{9000 + offset}", date=day(offset))


def _closed_touching(ledger: Ledger, step: Step, ids: list[int], through: dt.date) -> bool:
    """Whether `step` would write on or before `through` (or change what is dated then)."""
    kind = step[0]
    if kind in ("expense", "payment"):
        return day(step[3]) <= through
    if kind == "rate":
        return day(step[1]) <= through
    if not ids:
        return False
    target = ledger.transaction(ids[step[1] % len(ids)]).tx
    if kind == "reverse":
        return target.date <= through or day(step[2]) <= through
    new_date = target.date if step[3] is None else day(step[3])
    return target.date <= through or new_date <= through


def _as_of(ledger: Ledger, group: str, through: dt.date) -> dict[tuple[str, str], int]:
    """The oracle: the postings dated on or before `through`, summed."""
    sums: dict[tuple[str, str], int] = {}
    for tx in ledger.history(group, limit=10_000):
        if tx.date <= through:
            for p in tx.postings:
                sums[p.member, p.currency] = sums.get((p.member, p.currency), 0) + p.minor
    return {k: v for k, v in sums.items() if v}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(before=steps, after=steps, offset=st.integers(-1, 61))
def test_after_a_close_nothing_dated_in_it_changes(
    ledger: Ledger, before: list[Step], after: list[Step], offset: int
) -> None:
    group = f"G{next(_names)}"
    ledger.create_group(group, "EUR", list(MEMBERS))
    ids: list[int] = []
    for step in before:
        # a reversal of something reversed, an edit of a payment or of an old version
        with contextlib.suppress(Conflict, InvalidInput):
            _apply(ledger, group, step, ids)
    through = day(offset)
    ledger.close_period(group, through)
    frozen = _as_of(ledger, group, through)
    for step in after:
        seen = {tx.id for tx in ledger.history(group, limit=10_000)}
        expect_refused = _closed_touching(ledger, step, ids, through)
        refused: ServiceError | None = None
        try:
            _apply(ledger, group, step, ids)
        except (Conflict, InvalidInput) as exc:  # others: nothing written either (below)
            refused = exc
        if isinstance(refused, ReadOnly):
            assert expect_refused, (step, str(refused))
            assert str(refused).startswith(f"{group} is closed through {through.isoformat()}")
        elif refused is None:
            new = [tx for tx in ledger.history(group, limit=10_000) if tx.id not in seen]
            for tx in new:
                assert tx.date > through, (step, tx)
                if tx.reverses_id is not None:
                    assert ledger.transaction(tx.reverses_id).tx.date > through, step
            if new or step[0] == "rate":  # (an edit that changes nothing writes nothing)
                assert not expect_refused, step
        assert _as_of(ledger, group, through) == frozen
    view = ledger.balances(group, as_of=through)
    assert {(b.member, b.currency): b.minor for b in view.balances if b.minor} == frozen
    assert ledger.verify().ok
