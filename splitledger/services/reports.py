"""Spending reports: what a group spent per category, month or member, who paid and who
consumed it, reconciled with the balances (ADR 0017).

A report is one read of the maintained daily totals (`spending_days`, `balance_days`),
summed in the database per bucket and member: its cost grows with the days and members
of the period, not with the number of bills. The reconciliation (`views.MemberFlow`)
reads the balances before and at the end of the period as `balances(as_of=...)` does,
and derives each member's payments and conversions from them and the bills; the tests
prove every term equal to the postings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import get_args

from splitledger import domain
from splitledger.domain.currency import pinned
from splitledger.services import views
from splitledger.services.core import LedgerCore
from splitledger.services.errors import InvalidInput
from splitledger.services.reading import check_period
from splitledger.store import repository
from splitledger.store.repository.as_of import Dimension
from splitledger.store.unit import Unit

_DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)
#: (member, currency) -> [paid, consumed]
Cells = dict[tuple[str, str], list[int]]


class ReportCases(LedgerCore):
    """Spending reports."""

    def spending_report(
        self,
        group: str,
        *,
        by: views.ReportBy | str = "category",
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        currency: str | None = None,
    ) -> views.SpendingReport:
        """`group`'s spending from `date_from` through `date_to` (inclusive; None: open),
        in `currency` alone if given, bucketed `by` one of `views.REPORT_BYS`: expenses
        only, deleted bills and replaced versions left out (see `views.SpendingReport`).
        `InvalidInput` for an unknown `by`, a period that ends before it starts, or a
        currency that is not one; `NotFound` for an unknown group. One read."""
        if by not in views.REPORT_BYS:
            choices = ", ".join(views.REPORT_BYS)
            raise InvalidInput(f"cannot report by {by!r}; choose one of {choices}", field="by")
        check_period(date_from, date_to)
        code = None if currency is None else _currency_code(currency)
        names = tuple(by.split(","))

        def work(unit: Unit) -> views.SpendingReport:
            row = self._group(unit, group)
            accounts = self._member_rows(unit, row).values()
            who = {m.id: m.name for m in accounts}
            dims = tuple(d for d in _DIMENSIONS if d in names)
            rows = repository.spending_rows(
                unit, row.id, dims, first=date_from, last=date_to, currency=code
            )
            buckets: dict[tuple[tuple[str, ...], str], dict[str, list[int]]] = defaultdict(
                lambda: defaultdict(lambda: [0, 0])
            )
            per_member: Cells = defaultdict(lambda: [0, 0])
            for values, member_id, cur, paid, consumed in rows:
                found: dict[str, str] = dict(zip(dims, values, strict=True))
                key = tuple(who[member_id] if n == "member" else found[n] for n in names)
                for cell in (buckets[key, cur][who[member_id]], per_member[who[member_id], cur]):
                    cell[0] += paid
                    cell[1] += consumed
            # The balances before and at the end of the period, as `balances` reads them.
            opening = (
                []
                if date_from is None or date_from == dt.date.min
                else repository.balances_as_of(unit, row.id, date_from - dt.timedelta(days=1))
            )
            closing = (
                repository.balances(unit, row.id)
                if date_to is None
                else repository.balances_as_of(unit, row.id, date_to)
            )
            apart = repository.reversals_apart(unit, row.id, date_from, date_to)
            ends = {
                "opening": {(n, c): a for n, c, a in opening},
                "closing": {(n, c): a for n, c, a in closing},
                "apart": {(who[m], c): a for (m, c), a in apart.items()},
            }
            members = {m.name for m in accounts if m.kind == "member"}
            return views.SpendingReport(
                row.name,
                names,
                date_from,
                date_to,
                code,
                _buckets(buckets),
                _totals(per_member),
                _flows(ends, per_member, members, code),
            )

        return self._read(work)


def _currency_code(text: str) -> str:
    """`text` as a currency code: one the ledger uses is taken as it is (no ISO table
    read for a report); any other must be a real one, and then has nothing to report."""
    code = text.strip().upper()
    if code in pinned():
        return code
    try:
        return domain.normalize_currency(text)
    except domain.DomainError as exc:
        raise InvalidInput(str(exc), field="currency") from None


def _shares(cells: dict[str, list[int]]) -> tuple[views.MemberShare, ...]:
    return tuple(views.MemberShare(m, p, k) for m, (p, k) in sorted(cells.items()) if p or k)


def _buckets(
    found: dict[tuple[tuple[str, ...], str], dict[str, list[int]]],
) -> tuple[views.ReportBucket, ...]:
    """Sorted by key, then currency; a bucket whose bills were all deleted is gone."""
    out = []
    for (key, cur), cells in sorted(found.items()):
        shares = _shares(cells)
        if shares:
            out.append(views.ReportBucket(key, cur, sum(s.paid for s in shares), shares))
    return tuple(out)


def _totals(per_member: Cells) -> tuple[views.ReportBucket, ...]:
    by_currency: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for (member, cur), cell in per_member.items():
        by_currency[cur][member] = cell
    none: tuple[str, ...] = ()
    return _buckets({(none, cur): cells for cur, cells in by_currency.items()})


def _flows(
    ends: dict[str, dict[tuple[str, str], int]],
    per_member: Cells,
    members: set[str],
    currency: str | None,
) -> tuple[views.MemberFlow, ...]:
    """Each member's balance over the period, explained: what the period's balance
    change leaves once the bills (`paid - consumed`) and the reversals dated apart from
    their bills are taken out is what payments and conversions moved. The exchange
    accounts are left out (no one's balance)."""
    opening, closing, apart = ends["opening"], ends["closing"], ends["apart"]
    out = []
    for key in opening.keys() | closing.keys() | per_member.keys() | apart.keys():
        member, cur = key
        if member not in members or (currency is not None and cur != currency):
            continue
        paid, consumed = per_member.get(key, (0, 0))
        moved = apart.get(key, 0)
        start, end = opening.get(key, 0), closing.get(key, 0)
        transfers = end - start - (paid - consumed) - moved
        figures = (start, paid, consumed, transfers, moved, end)
        if any(figures):
            out.append(views.MemberFlow(member, cur, *figures))
    return tuple(sorted(out, key=lambda f: (f.member, f.currency)))
