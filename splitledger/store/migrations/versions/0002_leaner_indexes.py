"""Indexes that queries use, fewer pages per commit (docs/adr/0009).

- postings: one (transaction_id, member_id) index instead of one on each column. The
  member_id index cost ~3.2 of the ~18 pages each recorded expense wrote (its postings
  go to 3–4 members' separate leaves); the history's member filter now probes the pair
  index per transaction instead.
- audit_log: indexed by entity_id (what a transaction's audit trail looks up; it was a
  full scan of the log) instead of group_id (which no query used).

Tried and left out: `requests` WITHOUT ROWID (its random keys then split leaves as often
as the row table plus its index did: 1.96 pages a commit against 2.1).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_postings_transaction_member", "postings", ["transaction_id", "member_id"])
    op.drop_index("ix_postings_transaction_id", table_name="postings")
    op.drop_index("ix_postings_member_id", table_name="postings")
    op.create_index("ix_audit_log_entity_id", "audit_log", ["entity_id"])
    op.drop_index("ix_audit_log_group_id", table_name="audit_log")


def downgrade() -> None:
    raise NotImplementedError("the ledger is append-only; restore from a JSON export instead")
