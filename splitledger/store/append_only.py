"""The append-only triggers that migrations put on a ledger table (ADR 0006): UPDATE and
DELETE refused on both databases, TRUNCATE too on PostgreSQL, through revision 0001's
`splitledger_append_only()` function. One definition for every migration after 0001."""

from __future__ import annotations

from alembic import op


def add_triggers(table: str) -> None:
    """Make `table` append-only, in the migration that runs now."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
        return
    op.execute(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION splitledger_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION splitledger_append_only()"
    )
