"""The store refuses what would damage a ledger and detects what it cannot refuse."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from splitledger.services.errors import Unavailable
from splitledger.services.ledger import Ledger
from splitledger.store.location import resolve
from splitledger.store.migrate import head_revisions
from splitledger.store.schema import Base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "ledger.db"
    Ledger.open(str(path)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_sqlite_pragmas(tmp_path: Path) -> None:
    with Ledger.open(str(tmp_path / "l.db")) as ledger, ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 200)
    before = _digest(path)
    with pytest.raises(Unavailable, match="not a splitledger database"):
        Ledger.open(str(path))
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_open_upgrades_an_empty_database_to_head(db_url: str) -> None:
    with Ledger.open(db_url) as ledger, ledger.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert set(context.get_current_heads()) == head_revisions()
        # The models and the migrations describe the same schema.
        assert compare_metadata(context, Base.metadata) == []


def test_newer_schema_is_refused_untouched(db_url: str) -> None:
    with Ledger.open(db_url) as ledger:
        ledger.create_group("Trip", "EUR", ["ann"])
        with ledger.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'f00dcafe'"))
    path = Path(resolve(db_url).path or "")
    before = _digest(path) if path.is_file() else None
    with pytest.raises(Unavailable, match="newer splitledger"):
        Ledger.open(db_url)
    if before is not None:
        assert _digest(path) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE postings SET amount = amount + 1",
        "DELETE FROM postings",
        "UPDATE transactions SET description = 'edited'",
        "DELETE FROM transactions",
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ],
)
def test_triggers_refuse_update_and_delete(trip: Ledger, statement: str) -> None:
    trip.record_expense(group="Trip", description="x", amount="9", paid_by=[("ann", None)])
    with pytest.raises(DBAPIError, match="append-only"), trip.engine.begin() as conn:
        conn.execute(text(statement))
    assert trip.verify().ok


def _drop_triggers(ledger: Ledger) -> None:
    with ledger.engine.begin() as conn:
        for table in ("transactions", "postings"):
            if conn.dialect.name == "sqlite":
                conn.execute(text(f"DROP TRIGGER {table}_no_update"))
            else:
                conn.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))


def test_verify_detects_a_posting_edited_behind_the_apps_back(trip: Ledger) -> None:
    tx = trip.record_expense(group="Trip", description="x", amount="9", paid_by=[("ann", None)])
    trip.record_expense(group="Trip", description="y", amount="3", paid_by=[("bob", None)])
    _drop_triggers(trip)
    with trip.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE postings SET amount = amount + 100 WHERE id = "
                "(SELECT MIN(id) FROM postings WHERE transaction_id = :t)"
            ),
            {"t": tx.id},
        )
    report = trip.verify()
    codes = {(p.code, p.transaction_id) for p in report.problems}
    assert ("unbalanced", tx.id) in codes
    assert ("tampered", tx.id) in codes
    assert any(p.code == "balance-mismatch" for p in report.problems)


def test_verify_detects_an_edited_description_and_a_broken_balance(trip: Ledger) -> None:
    tx = trip.record_expense(group="Trip", description="x", amount="9", paid_by=[("ann", None)])
    _drop_triggers(trip)
    with trip.engine.begin() as conn:
        conn.execute(text("UPDATE transactions SET description = 'y' WHERE id = :t"), {"t": tx.id})
        conn.execute(text("UPDATE balances SET amount = amount + 1"))
    report = trip.verify()
    assert not report.ok
    assert {p.code for p in report.problems} == {"tampered", "balance-mismatch"}
    assert [p.transaction_id for p in report.problems if p.code == "tampered"] == [tx.id]


def test_passwords_are_never_displayed() -> None:
    target = resolve("postgresql://ann:s3cret@db.example:5432/ledger")
    assert "s3cret" not in target.where
    assert target.where == "postgresql://ann:***@db.example:5432/ledger"
    assert target.sqlalchemy_url().startswith("postgresql+psycopg://")


def test_env_var_and_default_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPLITLEDGER_DB", str(tmp_path / "env.db"))
    assert resolve(None).path == str(tmp_path / "env.db")
    monkeypatch.delenv("SPLITLEDGER_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert resolve(None).path == str(tmp_path / "xdg" / "splitledger" / "ledger.db")


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(Unavailable, match="cannot open the ledger at postgresql"):
        Ledger.open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_head_revision_constant_matches_the_migrations() -> None:
    from splitledger.store.schema_version import HEAD_REVISION

    assert head_revisions() == {HEAD_REVISION}


def test_reopening_an_up_to_date_ledger_keeps_its_data(db_url: str) -> None:
    with Ledger.open(db_url) as ledger:
        ledger.create_group("Trip", "EUR", ["ann"])
    with Ledger.open(db_url) as ledger:
        assert [g.name for g in ledger.groups()] == ["Trip"]
