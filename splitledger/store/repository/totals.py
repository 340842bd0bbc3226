"""What a group's members hold and what it spent: from the maintained balances and
spending (O(members), O(currencies)), and summed from the postings for `verify`."""

from __future__ import annotations

from splitledger.store.unit import Unit

_BALANCES = (
    "SELECT m.name, b.currency, b.amount FROM balances b JOIN members m ON m.id = b.member_id "
    "WHERE b.group_id = ? ORDER BY m.name, b.currency"
)
_SPENT = "SELECT currency, amount FROM spending WHERE group_id = ? AND amount != 0"
#: Expenses' positive postings, bills reversed since left out ('expense' is TxKind.EXPENSE).
_SPENT_FROM_POSTINGS = (
    "SELECT p.currency, SUM(p.amount) FROM postings p "
    "JOIN transactions t ON t.id = p.transaction_id "
    "WHERE t.group_id = ? AND t.kind = 'expense' AND p.amount > 0 AND t.id NOT IN "
    "(SELECT r.reverses_id FROM transactions r "
    "WHERE r.group_id = ? AND r.reverses_id IS NOT NULL) "
    "GROUP BY p.currency"
)


def balances(unit: Unit, group_id: int) -> list[tuple[str, str, int]]:
    """(member, currency, amount) from the maintained balances: O(members)."""
    return [(n, c, int(a)) for n, c, a in unit.all(_BALANCES, (group_id,))]


def total_spent(unit: Unit, group_id: int) -> dict[str, int]:
    """Per currency, what was paid for expenses not reversed (maintained: O(currencies))."""
    return {currency: int(amount) for currency, amount in unit.all(_SPENT, (group_id,))}


def spent_from_postings(unit: Unit, group_id: int) -> dict[str, int]:
    """The same as `total_spent`, summed from the postings (for `verify`)."""
    rows = unit.all(_SPENT_FROM_POSTINGS, (group_id, group_id))
    return {currency: int(amount) for currency, amount in rows}
