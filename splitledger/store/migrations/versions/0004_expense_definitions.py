"""Each expense keeps its definition: how the bill was split (ADR 0011).

A new append-only table, `expense_definitions`: one row per expense recorded from this
revision on, holding the user's request (amount, currency, payers, split mode,
participants and their values) as compact JSON, members by id. Existing expenses get no
row: reading the definition of one derives exact shares from its postings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from splitledger.store.append_only import add_triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "expense_definitions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        # INTEGER and the only key column: SQLite's rowid, so the table needs no index.
        sa.Column("transaction_id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("transaction_id", name="pk_expense_definitions"),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"], name="fk_expense_definitions_transaction_id"
        ),
    )
    add_triggers(TABLE)


def downgrade() -> None:
    raise NotImplementedError("the ledger is append-only; restore from a JSON export instead")
