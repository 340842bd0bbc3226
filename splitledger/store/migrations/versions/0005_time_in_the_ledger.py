"""Time in the ledger (issue 16): notes, closed periods, archived groups, daily totals.

- `transactions.note`: free text beside the description ('' when none). The chain hash
  covers it only when it is not empty, so every hash written before stays valid.
- `groups.archived_at`: set while a group is archived (read-only, hidden from lists).
- `period_closes`: append-only; a row closes a group's dates through `through` from
  `closed_at` on. The latest close of a group is the one in force.
- `balance_days`: per group, day, member and currency, the sum of that day's postings
  (by the transaction's date). A balance as of a date is one range sum over it: O(days ×
  members), not O(postings) (ADR 0017).
- `spending_days`: per group, day, category, member and currency, what expenses paid and
  consumed, a reversal taking its expense back on the expense's own day and category.
  Reports aggregate it instead of the postings.

Both totals tables are maintained with the postings, in the same database transaction,
like `balances`; this revision fills them from the postings already recorded; `verify`
checks them against the postings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from splitledger.store.append_only import add_triggers

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_FILL_BALANCE_DAYS = """
INSERT INTO balance_days (group_id, day, member_id, currency, amount)
SELECT t.group_id, t.date, p.member_id, p.currency, SUM(p.amount)
FROM postings p JOIN transactions t ON t.id = p.transaction_id
GROUP BY t.group_id, t.date, p.member_id, p.currency
"""

# An expense counts on its own day and category; the reversal of an expense takes it
# back there (its postings are the expense's, negated).
_FILL_SPENDING_DAYS = """
INSERT INTO spending_days (group_id, day, category, member_id, currency, paid, consumed)
SELECT e.group_id, e.date, e.category, p.member_id, p.currency,
       SUM(CASE WHEN t.id = e.id AND p.amount > 0 THEN p.amount
                WHEN t.id <> e.id AND p.amount < 0 THEN p.amount ELSE 0 END),
       SUM(CASE WHEN t.id = e.id AND p.amount < 0 THEN -p.amount
                WHEN t.id <> e.id AND p.amount > 0 THEN -p.amount ELSE 0 END)
FROM transactions e
JOIN transactions t ON t.id = e.id OR t.reverses_id = e.id
JOIN postings p ON p.transaction_id = t.id
WHERE e.kind = 'expense'
GROUP BY e.group_id, e.date, e.category, p.member_id, p.currency
"""


def upgrade() -> None:
    op.add_column(
        "transactions",
        sa.Column("note", sa.String(2000), nullable=False, server_default=""),
    )
    op.add_column("groups", sa.Column("archived_at", sa.DateTime(timezone=True)))
    op.create_table(
        "period_closes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
        sa.Column("through", sa.Date, nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.UniqueConstraint("group_id", "through", name="uq_period_closes_group_through"),
    )
    add_triggers("period_closes")
    op.create_table(
        "balance_days",
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("group_id", "day", "member_id", "currency", name="pk_balance_days"),
    )
    op.create_table(
        "spending_days",
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("category", sa.String(500), nullable=False),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("paid", sa.BigInteger, nullable=False),
        sa.Column("consumed", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint(
            "group_id", "day", "category", "member_id", "currency", name="pk_spending_days"
        ),
    )
    op.execute(_FILL_BALANCE_DAYS)
    op.execute(_FILL_SPENDING_DAYS)


def downgrade() -> None:
    raise NotImplementedError("the ledger is append-only; restore from a JSON export instead")
