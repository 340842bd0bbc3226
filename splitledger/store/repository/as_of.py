"""Reads over the maintained daily totals (revision 0005, ADR 0017): balances as of a
date and spending reports, each a range sum over days, never a scan of the postings.

- `balances_as_of`: every posting dated on or before a day, per account and currency:
  one range over `balance_days` (O(days × members)), from the nearer end.
- `spending_rows`: what expenses paid and consumed in a period, summed per bucket
  (category, month or both), member and currency, in the database.
- `reversals_apart`: the postings of expense reversals dated on the other side of a
  period's edge than their expense (a report takes a reversed bill out on the bill's
  day, a balance on the reversal's): what reconciles the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from splitledger.store.repository.totals import balances
from splitledger.store.unit import Unit

#: What a report can bucket by, beside the member (always kept apart in the rows).
Dimension = Literal["category", "month"]

_AS_OF = (
    "SELECT m.name, s.currency, s.amount FROM ("
    "SELECT member_id, currency, SUM(amount) AS amount FROM balance_days "
    "WHERE group_id = ? AND day <= ? GROUP BY member_id, currency"
    ") s JOIN members m ON m.id = s.member_id ORDER BY m.name, s.currency"
)
#: The same, from the other end: today's maintained balances less the days after.
_AS_OF_FROM_NOW = (
    "SELECT m.name, b.currency, b.amount - COALESCE(s.amount, 0) FROM balances b "
    "JOIN members m ON m.id = b.member_id LEFT JOIN ("
    "SELECT member_id, currency, SUM(amount) AS amount FROM balance_days "
    "WHERE group_id = ? AND day > ? GROUP BY member_id, currency"
    ") s ON s.member_id = b.member_id AND s.currency = b.currency "
    "WHERE b.group_id = ? ORDER BY m.name, b.currency"
)
#: Two index seeks (one aggregate each, so that both databases read one entry).
_SPAN = (
    "SELECT (SELECT MIN(day) FROM balance_days WHERE group_id = ?), "
    "(SELECT MAX(day) FROM balance_days WHERE group_id = ?)"
)
#: ISO text on SQLite, a date on PostgreSQL: the month as YYYY-MM either way.
_MONTH = {True: "substr(day, 1, 7)", False: "to_char(day, 'YYYY-MM')"}
_APART = (
    "SELECT p.member_id, p.currency, "
    "SUM(CASE WHEN r.date BETWEEN ? AND ? THEN p.amount ELSE -p.amount END) "
    "FROM transactions r JOIN transactions e ON e.id = r.reverses_id "
    "JOIN postings p ON p.transaction_id = r.id "
    "WHERE r.group_id = ? AND r.kind = 'reversal' AND e.kind = 'expense' "
    "AND (CASE WHEN r.date BETWEEN ? AND ? THEN 1 ELSE 0 END) "
    "<> (CASE WHEN e.date BETWEEN ? AND ? THEN 1 ELSE 0 END) "
    "GROUP BY p.member_id, p.currency"
)
#: Bounds standing in for an open end of a period (any date the ledger holds is inside).
_FIRST, _LAST = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def balances_as_of(unit: Unit, group_id: int, day: dt.date) -> list[tuple[str, str, int]]:
    """(account, currency, amount) of every posting dated on or before `day`, sorted as
    `totals.balances` sorts. A range sum over the maintained days from whichever end
    is nearer `day` (by date: the days are about evenly filled): the days up to it, or
    today's maintained balances less the days after it; so at most half the group's
    days are read, and none before its first or after its last."""
    span = unit.one(_SPAN, (group_id, group_id))
    if span is None or span[0] is None:
        return []
    first, last = unit.read_date(span[0]), unit.read_date(span[1])
    if day < first:
        return []
    if day >= last:
        return balances(unit, group_id)
    if day - first <= last - day:
        rows = unit.all(_AS_OF, (group_id, unit.date(day)))
    else:
        rows = unit.all(_AS_OF_FROM_NOW, (group_id, unit.date(day), group_id))
    return [(n, c, int(a)) for n, c, a in rows]


def spending_rows(
    unit: Unit,
    group_id: int,
    dimensions: tuple[Dimension, ...],
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    currency: str | None = None,
) -> list[tuple[tuple[str, ...], int, str, int, int]]:
    """(bucket, account id, currency, paid, consumed) of the expenses dated from `first`
    through `last` (either open), bucketed by `dimensions` (a category, a month as
    YYYY-MM), summed in the database: the rows are as many as buckets × members, not
    expenses. Reversed bills are already gone (ADR 0017)."""
    columns = ["category" if d == "category" else _MONTH[unit.sqlite] for d in dimensions]
    where = ["group_id = ?"]
    params: list[object] = [group_id]
    if first is not None:
        where.append("day >= ?")
        params.append(unit.date(first))
    if last is not None:
        where.append("day <= ?")
        params.append(unit.date(last))
    if currency is not None:
        where.append("currency = ?")
        params.append(currency)
    keys = ", ".join([*columns, "member_id", "currency"])
    # Only our constants go into the text; every value is a parameter.
    sql = (
        f"SELECT {keys}, SUM(paid), SUM(consumed) FROM spending_days "  # noqa: S608
        f"WHERE {' AND '.join(where)} GROUP BY {keys}"
    )
    width = len(columns)
    return [
        (tuple(str(v) for v in row[:width]), row[width], row[width + 1], int(p), int(k))
        for *row, p, k in unit.all(sql, params)
    ]


def reversals_apart(
    unit: Unit, group_id: int, first: dt.date | None, last: dt.date | None
) -> dict[tuple[int, str], int]:
    """Per (account id, currency): the postings of the reversals of expenses where the
    reversal is dated inside the period and its expense outside (counted as they are),
    or the other way round (negated). A balance counts a reversal on its own date, a
    report on its expense's, so over a period the two differ by exactly this. Nothing
    when the period is every day."""
    if first is None and last is None:
        return {}
    lo, hi = unit.date(first or _FIRST), unit.date(last or _LAST)
    rows = unit.all(_APART, (lo, hi, group_id, lo, hi, lo, hi))
    return {(m, c): int(a) for m, c, a in rows if a}
