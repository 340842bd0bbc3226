"""What a group's members hold and what it spent: from the maintained balances and
spending (O(members), O(currencies)), and summed from the postings for `verify`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from splitledger.domain import TxKind
from splitledger.store.schema import (
    BalanceRow,
    MemberRow,
    PostingRow,
    SpendingRow,
    TransactionRow,
)


def balances(session: Session, group_id: int) -> list[tuple[str, str, int]]:
    """(member, currency, amount) from the maintained balances: O(members)."""
    query = (
        select(MemberRow.name, BalanceRow.currency, BalanceRow.amount)
        .join(MemberRow, MemberRow.id == BalanceRow.member_id)
        .where(BalanceRow.group_id == group_id)
        .order_by(MemberRow.name, BalanceRow.currency)
    )
    return [(n, c, a) for n, c, a in session.execute(query)]


def total_spent(session: Session, group_id: int) -> dict[str, int]:
    """Per currency, what was paid for expenses not reversed (maintained: O(currencies))."""
    query = select(SpendingRow.currency, SpendingRow.amount).where(
        SpendingRow.group_id == group_id, SpendingRow.amount != 0
    )
    return {currency: amount for currency, amount in session.execute(query)}


def spent_from_postings(session: Session, group_id: int) -> dict[str, int]:
    """The same as `total_spent`, summed from the postings (for `verify`)."""
    reversed_ids = select(TransactionRow.reverses_id).where(
        TransactionRow.group_id == group_id, TransactionRow.reverses_id.is_not(None)
    )
    query = (
        select(PostingRow.currency, func.sum(PostingRow.amount))
        .join(TransactionRow, TransactionRow.id == PostingRow.transaction_id)
        .where(
            TransactionRow.group_id == group_id,
            TransactionRow.kind == TxKind.EXPENSE.value,
            PostingRow.amount > 0,
            TransactionRow.id.not_in(reversed_ids),
        )
        .group_by(PostingRow.currency)
    )
    return {currency: int(amount) for currency, amount in session.execute(query)}
