"""Spending reports: what a group spent per category, month or member, who paid and who
consumed it, reconciled with the balances (ADR 0017).

A report is one read of the maintained daily totals (`spending_days`, `balance_days`),
summed in the database per bucket and member: its cost grows with the days and members
of the period, not with the number of bills. The reconciliation (`views.MemberFlow`)
derives each member's payments and conversions from the same totals; the tests prove
them equal to the postings.
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
from splitledger.store import repository
from splitledger.store.repository.as_of import Dimension
from splitledger.store.unit import Unit

_DIMENSIONS: tuple[Dimension, ...] = get_args(Dimension)


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
        if date_from is not None and date_to is not None and date_from > date_to:
            raise InvalidInput(
                f"the period ends ({date_to}) before it starts ({date_from})", field="date_to"
            )
        code = None if currency is None else _currency_code(currency)
        names = tuple(by.split(","))

        def work(unit: Unit) -> views.SpendingReport:
            row = self._group(unit, group)
            accounts = self._member_rows(unit, row).values()
            who = {m.id: m.name for m in accounts}
            exchange = {m.id for m in accounts if m.kind != "member"}
            dims = tuple(d for d in _DIMENSIONS if d in names)
            rows = repository.spending_rows(
                unit, row.id, dims, first=date_from, last=date_to, currency=code
            )
            buckets: dict[tuple[tuple[str, ...], str], dict[str, list[int]]] = defaultdict(
                lambda: defaultdict(lambda: [0, 0])
            )
            per_member: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
            for values, member_id, cur, paid, consumed in rows:
                found: dict[str, str] = dict(zip(dims, values, strict=True))
                key = tuple(who[member_id] if n == "member" else found[n] for n in names)
                cell = buckets[key, cur][who[member_id]]
                cell[0] += paid
                cell[1] += consumed
                total = per_member[member_id, cur]
                total[0] += paid
                total[1] += consumed
            flows = repository.balance_flows(unit, row.id, date_from, date_to)
            apart = repository.reversals_apart(unit, row.id, date_from, date_to)
            return views.SpendingReport(
                row.name,
                names,
                date_from,
                date_to,
                code,
                _buckets(buckets),
                _totals(per_member, who),
                _flows(flows, per_member, apart, who, exchange, code),
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


def _totals(
    per_member: dict[tuple[int, str], list[int]], who: dict[int, str]
) -> tuple[views.ReportBucket, ...]:
    by_currency: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for (member_id, cur), cell in per_member.items():
        by_currency[cur][who[member_id]] = cell
    none: tuple[str, ...] = ()
    return _buckets({(none, cur): cells for cur, cells in by_currency.items()})


def _flows(
    flows: dict[tuple[int, str], tuple[int, int]],
    per_member: dict[tuple[int, str], list[int]],
    apart: dict[tuple[int, str], int],
    who: dict[int, str],
    exchange: set[int],
    currency: str | None,
) -> tuple[views.MemberFlow, ...]:
    """Each member's balance over the period, explained: what the period's balance
    change leaves once the bills (`paid - consumed`) and the reversals dated apart from
    their bills are taken out is what payments and conversions moved."""
    out = []
    for member_id, cur in flows.keys() | per_member.keys() | apart.keys():
        if member_id in exchange or (currency is not None and cur != currency):
            continue
        opening, closing = flows.get((member_id, cur), (0, 0))
        paid, consumed = per_member.get((member_id, cur), (0, 0))
        moved = apart.get((member_id, cur), 0)
        transfers = closing - opening - (paid - consumed) - moved
        figures = (opening, paid, consumed, transfers, moved, closing)
        if any(figures):
            out.append(views.MemberFlow(who[member_id], cur, *figures))
    return tuple(sorted(out, key=lambda f: (f.member, f.currency)))
