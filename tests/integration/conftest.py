"""Fixtures for real databases: a fresh SQLite file per test, and a fresh PostgreSQL schema
per test on the server at 127.0.0.1:5432 (override with SPLITLEDGER_TEST_PG). Under CI
an unreachable PostgreSQL fails the run instead of skipping it."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from splitledger.services.ledger import Ledger

PG_URL = os.environ.get("SPLITLEDGER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _private_logs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPLITLEDGER_LOG_DIR", str(tmp_path_factory.getbasetemp() / "logs"))


def _pg_available() -> None:
    try:
        with psycopg.connect(
            PG_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=3
        ):
            return
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema (dropped afterwards)."""
    with pg_schema("t") as url:
        yield url


@contextlib.contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL schema as a URL (dropped on exit); fails under CI and
    skips elsewhere when the server is unreachable."""
    _pg_available()
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "ledger.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def ledger(db_url: str) -> Iterator[Ledger]:
    with Ledger.open(db_url, actor="tester") as opened:
        yield opened


@pytest.fixture
def trip(ledger: Ledger) -> Ledger:
    """A group "Trip" in EUR with ann, bob and cy."""
    ledger.create_group("Trip", "EUR", ["ann", "bob", "cy"])
    return ledger
