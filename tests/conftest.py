"""Shared test settings and fixtures.

Hypothesis is derandomised by default so that runs are deterministic;
HYPOTHESIS_PROFILE=explore searches with fresh randomness and more cases.

Database fixtures for every package: `sqlite_url` (a new file), `pg_url` (a new
PostgreSQL schema), `db_url` (the test once on each), `ledger` (a ledger open on
`db_url`; `ledger_url` is that URL, already migrated) and `trip` (that ledger with a
group). Logs always go to a private folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from splitledger.services.ledger import Ledger
from tests.databases import (
    make_sqlite_template,
    migrated_pg,
    migrated_pg_template,
    migrated_sqlite,
    pg_schema,
)

settings.register_profile(
    "default", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _private_logs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logs and the app's settings go to the session's temporary folder (processes the
    tests start too), never to the user's."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("SPLITLEDGER_LOG_DIR", str(base / "logs"))
    monkeypatch.setenv("SPLITLEDGER_CONFIG", str(base / "config" / "config.json"))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema (dropped afterwards)."""
    with pg_schema("t") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A path where no file is yet."""
    return str(tmp_path / "ledger.db")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated, empty ledger file per test process; `fresh_sqlite` copies it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SPLITLEDGER_LOG_DIR", str(tmp_path_factory.getbasetemp() / "logs"))
        return make_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_template() -> str | None:
    """The SQL that makes an empty PostgreSQL schema a migrated ledger, once per test
    process (None without pg_dump: then each ledger migrates)."""
    return migrated_pg_template()


@pytest.fixture
def ledger_url(db_url: str, request: pytest.FixtureRequest) -> str:
    """`db_url` made a new, empty ledger as migrating would make it, but without
    migrating per test: on SQLite a copy of a migrated file (the same bytes), on
    PostgreSQL a migrated schema's dump replayed (tests/integration/test_templates.py
    proves both equal a migrated ledger). Tests of a first open use `db_url` itself."""
    if "://" not in db_url:
        migrated_sqlite(request.getfixturevalue("sqlite_template"), Path(db_url))
    else:
        template = request.getfixturevalue("pg_template")
        if template is not None:
            migrated_pg(template, db_url)
    return db_url


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """A new, empty ledger open on `db_url`."""
    with Ledger.open(ledger_url, actor="tester") as opened:
        yield opened


@pytest.fixture
def trip(ledger: Ledger) -> Ledger:
    """A group "Trip" in EUR with ann, bob and cy."""
    ledger.create_group("Trip", "EUR", ["ann", "bob", "cy"])
    return ledger
