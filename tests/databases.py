"""Real databases for tests: a fresh PostgreSQL schema on the server at 127.0.0.1:5432
(override with SPLITLEDGER_TEST_PG; under CI an unreachable server fails the run instead
of skipping it), and a migrated SQLite ledger copied from one template per process.

The fixtures built on these live in tests/conftest.py; this module is for the tests and
conftests that need a second database of their own."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from splitledger.services.ledger import Ledger

PG_URL = os.environ.get("SPLITLEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def pg_available() -> None:
    """Return if the PostgreSQL server answers; else fail under CI and skip elsewhere."""
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")


@contextlib.contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL schema as a URL (dropped on exit); fails under CI and
    skips elsewhere when the server is unreachable. The name is random, so tests in
    parallel processes never share one."""
    pg_available()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def schema_of(url: str) -> str:
    """The schema a `pg_schema` URL puts first on the search path."""
    return url.rsplit("%3D", 1)[1]


def schema_dump(schema: str) -> str | None:
    """`schema` as pg_dump writes it (definitions, sequences and rows), with the schema's
    name as `{schema}`, without the CREATE SCHEMA and psql-only lines; None if pg_dump
    is missing or cannot dump from this server."""
    if shutil.which("pg_dump") is None:
        return None
    command = ["pg_dump", "--dbname", PG_URL, "--schema", schema, "--inserts"]
    done = subprocess.run(
        [*command, "--no-owner", "--no-privileges"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    lines = [
        line
        for line in done.stdout.splitlines()
        if not line.startswith("\\") and line != f"CREATE SCHEMA {schema};"
    ]
    return "\n".join(lines).replace(schema, "{schema}")


def migrated_pg_template() -> str | None:
    """The SQL that makes an empty schema what migrating it to the newest revision makes
    it (see `schema_dump`), or None where pg_dump cannot give it. A test checks that a
    schema made so dumps exactly like a migrated one."""
    with pg_schema("tpl") as url:
        with Ledger.open(url):
            pass
        return schema_dump(schema_of(url))


def migrated_pg(template: str, url: str) -> None:
    """Make the empty schema of `url` a migrated ledger from `migrated_pg_template()`."""
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(template.replace("{schema}", schema_of(url)).encode())


def migrated_sqlite(template: Path, path: Path) -> None:
    """Make `path` a ledger at the newest schema, as `Ledger.open` leaves a new file: a
    byte copy of `template` (a ledger opened once and closed, so no WAL is pending),
    owner-only like a file the app creates."""
    shutil.copyfile(template, path)
    path.chmod(0o600)


def new_sqlite_ledger(template: Path, folder: Path) -> str:
    """The path of a new migrated ledger file in `folder` (see `migrated_sqlite`)."""
    path = folder / "ledger.db"
    migrated_sqlite(template, path)
    return str(path)


def make_sqlite_template(folder: Path) -> Path:
    """A new ledger file in `folder`, migrated to the newest schema and closed."""
    path = folder / "template.db"
    with Ledger.open(str(path)):
        pass
    return path
