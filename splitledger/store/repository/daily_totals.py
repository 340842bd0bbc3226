"""The maintained daily totals of revision 0005 (ADR 0017), applied by the write path in
the same database transaction as the postings, like `balances`:

- `balance_days`: each day's postings summed per member and currency, by the date of
  their transaction, so a balance as of a date is one range sum over days;
- `spending_days`: what expenses paid (positive postings) and consumed (negative ones,
  as positive amounts) per day, category, member and currency. The reversal of an
  expense takes it back on the expense's own day and category, so a reversed bill leaves
  no trace in any report, whatever day it was reversed on.

`*_from_postings` recompute both from the postings: `verify` compares, and the tests
prove the maintained rows equal them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from splitledger.domain import Transaction, TxKind
from splitledger.store.unit import Unit

_UPSERT_BALANCE_DAY = (
    "INSERT INTO balance_days (group_id, day, member_id, currency, amount) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, day, member_id, currency) "
    "DO UPDATE SET amount = balance_days.amount + excluded.amount"
)
_UPSERT_SPENDING_DAY = (
    "INSERT INTO spending_days (group_id, day, category, member_id, currency, paid, consumed) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, day, category, member_id, currency) "
    "DO UPDATE SET paid = spending_days.paid + excluded.paid, "
    "consumed = spending_days.consumed + excluded.consumed"
)

#: (day, member id, currency) → amount
BalanceDays = dict[tuple[dt.date, int, str], int]
#: (day, category, member id, currency) → (paid, consumed)
SpendingDays = dict[tuple[dt.date, str, int, str], tuple[int, int]]


def apply_balance_days(
    unit: Unit, group_id: int, items: Sequence[tuple[Transaction, Sequence[tuple[int, str, int]]]]
) -> None:
    """Add each transaction's postings (member id, currency, amount) to its day."""
    deltas: dict[tuple[dt.date, int, str], int] = defaultdict(int)
    for tx, postings in items:
        for member_id, currency, amount in postings:
            deltas[tx.date, member_id, currency] += amount
    # sorted: rows are locked in a fixed order (no deadlocks)
    unit.many(
        _UPSERT_BALANCE_DAY,
        [(group_id, unit.date(d), m, c, a) for (d, m, c), a in sorted(deltas.items())],
    )


def apply_spending_days(
    unit: Unit,
    group_id: int,
    items: Sequence[tuple[Transaction, Sequence[tuple[int, str, int]]]],
    reversed_expenses: Mapping[int, tuple[dt.date, str]],
) -> None:
    """Add expenses to their day and category; take reversed expenses back on theirs.
    `reversed_expenses` maps the id of each expense reversed by `items` to its (date,
    category); a reversal of anything else is not spending."""
    deltas: dict[tuple[dt.date, str, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for tx, postings in items:
        if tx.kind is TxKind.EXPENSE:
            day, category = tx.date, tx.category
        elif tx.reverses is not None and tx.reverses in reversed_expenses:
            day, category = reversed_expenses[tx.reverses]
        else:
            continue
        # An expense's payer is > 0 and a consumer < 0; its reversal negates both.
        expense_sign = 1 if tx.kind is TxKind.EXPENSE else -1
        for member_id, currency, amount in postings:
            cell = deltas[day, category, member_id, currency]
            if amount * expense_sign > 0:
                cell[0] += amount
            else:
                cell[1] -= amount
    unit.many(
        _UPSERT_SPENDING_DAY,
        [
            (group_id, unit.date(d), cat, m, c, paid, consumed)
            for (d, cat, m, c), (paid, consumed) in sorted(deltas.items())
        ],
    )


def reversed_expenses(unit: Unit, txs: Sequence[Transaction]) -> dict[int, tuple[dt.date, str]]:
    """The (date, category) of each expense that one of `txs` reverses."""
    ids = [tx.reverses for tx in txs if tx.reverses is not None]
    query = "SELECT id, date, category FROM transactions WHERE kind = 'expense' AND id IN ({})"
    return {tx_id: (unit.read_date(d), cat) for tx_id, d, cat in unit.all_in(query, ids)}


def stored_balance_days(unit: Unit, group_id: int) -> BalanceDays:
    rows = unit.all(
        "SELECT day, member_id, currency, amount FROM balance_days WHERE group_id = ?",
        (group_id,),
    )
    return {(unit.read_date(d), m, c): a for d, m, c, a in rows if a}


def balance_days_from_postings(unit: Unit, group_id: int) -> BalanceDays:
    rows = unit.all(
        "SELECT t.date, p.member_id, p.currency, SUM(p.amount) FROM postings p "
        "JOIN transactions t ON t.id = p.transaction_id WHERE t.group_id = ? "
        "GROUP BY t.date, p.member_id, p.currency",
        (group_id,),
    )
    return {(unit.read_date(d), m, c): int(a) for d, m, c, a in rows if a}


def stored_spending_days(unit: Unit, group_id: int) -> SpendingDays:
    rows = unit.all(
        "SELECT day, category, member_id, currency, paid, consumed FROM spending_days "
        "WHERE group_id = ?",
        (group_id,),
    )
    return {(unit.read_date(d), cat, m, c): (p, k) for d, cat, m, c, p, k in rows if p or k}


def spending_days_from_postings(unit: Unit, group_id: int) -> SpendingDays:
    """Expenses and the reversals of expenses, from the postings: the definition the
    maintained rows must equal."""
    rows = unit.all(
        "SELECT e.date, e.category, p.member_id, p.currency, t.id = e.id, p.amount "
        "FROM transactions e JOIN transactions t ON t.id = e.id OR t.reverses_id = e.id "
        "JOIN postings p ON p.transaction_id = t.id "
        "WHERE e.group_id = ? AND e.kind = 'expense'",
        (group_id,),
    )
    cells: dict[tuple[dt.date, str, int, str], list[int]] = defaultdict(lambda: [0, 0])
    for d, cat, m, c, is_expense, amount in rows:
        cell = cells[unit.read_date(d), cat, m, c]
        sign = 1 if is_expense else -1
        if amount * sign > 0:
            cell[0] += amount
        else:
            cell[1] -= amount
    return {key: (p, k) for key, (p, k) in cells.items() if p or k}
