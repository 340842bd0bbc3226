"""CLI tests run every command through click's CliRunner against real SQLite and
PostgreSQL (`db_url` from tests/conftest.py: a fresh file or schema per test)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from splitledger.cli.main import cli
from splitledger.services.ledger import Ledger
from tests.databases import pg_schema

Run = Callable[..., Result]


@pytest.fixture
def run(ledger_url: str) -> Run:
    """`run("balances", "Trip")` invokes `splitledger --db DB balances Trip`, on a new
    ledger (the first command on a new database: tests/cli/test_subprocess.py)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, ["--db", ledger_url, *args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def trip(run: Run) -> Run:
    """A group "Trip" in EUR with ann, bob and cy."""
    result = run("group", "create", "Trip", "--currency", "EUR", *_members("ann", "bob", "cy"))
    assert result.exit_code == 0, result.output
    return run


@pytest.fixture
def fresh_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as `db_url` (to restore into)."""
    if not db_url.startswith("postgresql"):
        yield str(tmp_path / "restored.db")
        return
    with pg_schema("r") as url:
        yield url


def _members(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--member", name)]


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def balances(run: Run, group: str = "Trip") -> dict[str, int]:
    data = ok_json(run("balances", group, "--json"))
    return {b["member"]: b["minor"] for b in data["balances"]}


Shared = tuple[str, Ledger]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def shared(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Shared]:
    """One database for every bad-input case of this module: since bad input writes
    nothing, its state must stay exactly as seeded through all of them."""
    with contextlib.ExitStack() as stack:
        mp = stack.enter_context(pytest.MonkeyPatch.context())
        mp.setenv("SPLITLEDGER_LOG_DIR", str(tmp_path_factory.getbasetemp() / "logs"))
        if request.param == "sqlite":
            url = str(tmp_path_factory.mktemp("shared") / "ledger.db")
        else:
            url = stack.enter_context(pg_schema("s"))
        runner = CliRunner()
        for args in (
            ["group", "create", "Trip", "--currency", "EUR", "--member", "ann", "--member", "bob"],
            ["expense", "add", "Trip", "Seed", "30", "--paid-by", "bob", "--key", "seed"],
        ):
            assert runner.invoke(cli, ["--db", url, *args]).exit_code == 0
        with Ledger.open(url) as ledger:
            yield url, ledger


def state(ledger: Ledger) -> tuple[object, ...]:
    """Everything a write would change: the groups' and Trip's change tokens, balances."""
    return ledger.change_token(None), ledger.change_token("Trip"), ledger.balances("Trip")
