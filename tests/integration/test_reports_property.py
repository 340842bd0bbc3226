"""Properties (issue 16): every spending report is exactly the live bills of its period
(deleted bills and replaced versions gone), its buckets sum to its totals, and it
reconciles with the balances: per member and currency, opening + paid - consumed +
transfers + reversals_apart = the balance as of the period's last day, where each term
is checked against the postings themselves. Random ledgers and periods, SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from splitledger.domain import is_exchange_account
from splitledger.services import views
from splitledger.services.ledger import Ledger
from tests.integration.random_ledgers import (
    Built,
    Step,
    Sums,
    asked_days,
    balances_before,
    balances_through,
    build,
    reversals_apart,
    spending,
    steps,
    transfers,
)


@st.composite
def periods(draw: st.DrawFn) -> tuple[dt.date | None, dt.date | None]:
    first = draw(st.one_of(st.none(), asked_days))
    last = draw(st.one_of(st.none(), asked_days))
    if first is not None and last is not None and first > last:
        first, last = last, first
    return first, last


def _members(sums: Sums) -> Sums:
    return {k: v for k, v in sums.items() if not is_exchange_account(k[0])}


def _only(sums: Sums, currency: str | None) -> Sums:
    return {k: v for k, v in sums.items() if currency is None or k[1] == currency}


def _edges(built: Built) -> list[tuple[dt.date | None, dt.date | None]]:
    """Periods whose edge falls between a bill and its reversal (dated apart), from
    either side: where a report and the balances differ by `reversals_apart`."""
    by_id = built.by_id
    found: list[tuple[dt.date | None, dt.date | None]] = []
    for tx in built.txs:
        bill = by_id[tx.reverses_id] if tx.reverses_id is not None else None
        if bill is not None and bill.kind == "expense" and bill.date != tx.date:
            early, late = sorted((bill.date, tx.date))
            found += [(None, early), (late, None), (early, late - dt.timedelta(days=1))]
    return found[:6]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(
    plan=steps,
    chosen=st.lists(periods(), min_size=1, max_size=2),
    by=st.sampled_from(views.REPORT_BYS),
    currency=st.sampled_from([None, None, "EUR", "USD"]),
)
def test_every_report_is_the_live_bills_and_reconciles_to_the_balances(
    ledger: Ledger,
    plan: list[Step],
    chosen: list[tuple[dt.date | None, dt.date | None]],
    by: views.ReportBy,
    currency: str | None,
) -> None:
    built = build(ledger, plan)
    for first, last in [*chosen, *_edges(built)]:
        _check(ledger, built, by, first, last, currency)


def _check(
    ledger: Ledger,
    built: Built,
    by: views.ReportBy,
    first: dt.date | None,
    last: dt.date | None,
    currency: str | None,
) -> None:
    report = ledger.spending_report(
        built.group, by=by, date_from=first, date_to=last, currency=currency
    )
    names = tuple(by.split(","))
    assert report.by == names

    # The buckets: exactly the live bills of the period, sorted, none empty.
    got = {
        (b.key, b.currency): {m.member: (m.paid, m.consumed) for m in b.members}
        for b in report.buckets
    }
    assert got == spending(built, names, first, last, currency)
    keys = [(b.key, b.currency) for b in report.buckets]
    assert keys == sorted(keys)
    for bucket in report.buckets:
        assert bucket.members
        assert bucket.spent == sum(m.paid for m in bucket.members)
        if "member" not in names:  # a member's bucket holds their part alone
            assert bucket.spent == bucket.consumed

    # The buckets sum to the totals.
    summed: dict[str, dict[str, list[int]]] = {}
    for bucket in report.buckets:
        for m in bucket.members:
            cell = summed.setdefault(bucket.currency, {}).setdefault(m.member, [0, 0])
            cell[0] += m.paid
            cell[1] += m.consumed
    totals = {t.currency: t for t in report.totals}
    assert set(totals) == set(summed)
    for cur, total in totals.items():
        assert total.key == ()
        assert {m.member: [m.paid, m.consumed] for m in total.members} == summed[cur]
        assert total.spent == sum(b.spent for b in report.buckets if b.currency == cur)
        assert total.spent == total.consumed

    # Each member reconciles to the balances, term by term against the postings.
    closing = _only(_members(balances_through(built, last)), currency)
    opening = _only(_members(balances_before(built, first)), currency)
    moved = _only(_members(transfers(built, first, last)), currency)
    apart = _only(_members(reversals_apart(built, first, last)), currency)
    flows = {(f.member, f.currency): f for f in report.members}
    paid = {(m.member, cur): m.paid for cur, t in totals.items() for m in t.members}
    consumed = {(m.member, cur): m.consumed for cur, t in totals.items() for m in t.members}
    for key in closing.keys() | opening.keys() | moved.keys() | apart.keys() | paid.keys():
        assert key in flows, key
    for key, f in flows.items():
        assert f.opening == opening.get(key, 0)
        assert f.closing == closing.get(key, 0)
        assert (f.paid, f.consumed) == (paid.get(key, 0), consumed.get(key, 0))
        assert f.transfers == moved.get(key, 0)
        assert f.reversals_apart == apart.get(key, 0)
        assert f.opening + f.paid - f.consumed + f.transfers + f.reversals_apart == f.closing
    # ... and the closing balances are what `balances --as-of` (or today's) shows.
    view = ledger.balances(built.group, as_of=last) if last else ledger.balances(built.group)
    shown = {(b.member, b.currency): b.minor for b in view.balances if b.minor}
    assert _only(shown, currency) == {k: f.closing for k, f in flows.items() if f.closing}
