"""Recurring bills (issue 16, ADR 0016): `recurring_schedules`.

One row per schedule: its bill as an expense definition's JSON (members by id, as
`expense_definitions` keeps them), its rule (every, interval, day of month, start, until
or count), the dates it records from and to, its pauses, and the schedule it replaces
(an edit). Not append-only: pausing and ending a schedule update its row; each change is
in the audit log. Occurrences are ordinary transactions keyed `recurring:<id>:<date>`,
so the ledger's own tables hold no other trace of them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recurring_schedules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("category", sa.String(500), nullable=False),
        sa.Column("bill", sa.Text, nullable=False),
        sa.Column("every", sa.String(8), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("day_of_month", sa.Integer),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        sa.Column("times", sa.Integer),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("pauses", sa.Text, nullable=False),
        sa.Column("replaces_id", sa.Integer, sa.ForeignKey("recurring_schedules.id"), unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.CheckConstraint("step BETWEEN 1 AND 1000", name="ck_recurring_interval"),
        sa.CheckConstraint("times IS NULL OR times BETWEEN 1 AND 10000", name="ck_recurring_count"),
        sa.CheckConstraint("until IS NULL OR times IS NULL", name="ck_recurring_one_end"),
    )
    op.create_index("ix_recurring_schedules_group", "recurring_schedules", ["group_id"])


def downgrade() -> None:
    raise NotImplementedError("the ledger is append-only; restore from a JSON export instead")
