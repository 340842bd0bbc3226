"""Property (issue 16): a balance as of any date equals the sum of the postings dated on
or before it, for random ledgers (expenses, payments, reversals on any date, edits,
conversions) and random dates (before the first bill, inside, in the future), on SQLite
and PostgreSQL. The as-of read uses the maintained daily totals (ADR 0017); the oracle
sums the postings that `history` returns."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger.domain import is_exchange_account
from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from tests.integration.random_ledgers import (
    Step,
    asked_days,
    balances_through,
    build,
    live_bills,
    steps,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(plan=steps, asked=st.lists(asked_days, min_size=1, max_size=4))
def test_balances_as_of_equal_the_sum_of_the_postings_up_to_that_date(
    ledger: Ledger, plan: list[Step], asked: list[dt.date]
) -> None:
    built = build(ledger, plan)
    # and the days something is dated, where the range's edge matters most
    dated = sorted({tx.date for tx in built.txs})
    for when in [*asked, *dated]:
        truth = balances_through(built, when)
        view = ledger.balances(built.group, as_of=when)
        got = {(b.member, b.currency): b.minor for b in view.balances if b.minor}
        held = {(b.member, b.currency): b.minor for b in view.exchange}
        assert got == {k: v for k, v in truth.items() if not is_exchange_account(k[0])}
        assert held == {k: v for k, v in truth.items() if is_exchange_account(k[0])}
        # what the bills dated by then cost (bills deleted since left out)
        spent: dict[str, int] = {}
        for tx in live_bills(built):
            for p in tx.postings:
                if tx.date <= when and p.minor > 0:
                    spent[p.currency] = spent.get(p.currency, 0) + p.minor
        assert view.total_spent == {}  # as of a date, a report's totals say it:
        report = ledger.spending_report(built.group, date_to=when)
        assert {t.currency: t.spent for t in report.totals} == spent
        # settle --as-of plans exactly those balances
        try:
            plan_then = ledger.settle_up(built.group, as_of=when)
        except InvalidInput:  # a partly converted currency cannot settle
            assert held
        else:
            assert plan_then.as_of == when
            assert plan_then.basis == tuple(sorted((m, c, a) for (m, c), a in truth.items()))
    # far in the future: today's balances
    now = ledger.balances(built.group)
    later = ledger.balances(built.group, as_of=dt.date(2099, 12, 31))
    assert (later.balances, later.exchange) == (now.balances, now.exchange)
    assert ledger.verify().ok
