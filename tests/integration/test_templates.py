"""The per-test ledgers of tests/conftest.py are made from templates instead of by
migrating; here each template is checked against a ledger that migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from splitledger.services.ledger import Ledger
from tests.databases import (
    make_sqlite_template,
    migrated_pg,
    pg_schema,
    schema_dump,
    schema_of,
)


def _sqlite_schema(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        mode = conn.execute("PRAGMA journal_mode").fetchall()
        return [*rows, *version, *mode]


def test_a_copied_sqlite_template_is_a_migrated_ledger(tmp_path: Path) -> None:
    migrated = tmp_path / "migrated.db"
    with Ledger.open(str(migrated)):
        pass
    template = make_sqlite_template(tmp_path)
    assert _sqlite_schema(template) == _sqlite_schema(migrated)
    assert template.read_bytes() == migrated.read_bytes()


@pytest.mark.postgres
def test_a_schema_made_from_the_template_dumps_like_a_migrated_one(
    pg_template: str | None,
) -> None:
    if pg_template is None:
        pytest.skip("no pg_dump for this server: every test ledger migrates")
    with pg_schema("m") as migrated, pg_schema("c") as cloned:
        with Ledger.open(migrated):
            pass
        migrated_pg(pg_template, cloned)
        want = schema_dump(schema_of(migrated))
        assert want is not None
        assert "CREATE TRIGGER" in want
        assert "INSERT INTO {schema}.alembic_version" in want
        assert schema_dump(schema_of(cloned)) == want
