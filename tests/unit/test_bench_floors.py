"""bench/start.py judges the commands against floor scripts; a floor only means something
if it does the command's work. These prove that bench/floor_read.py prints what
`balances` and `history` print, and that bench/floor_insert.py writes the rows `expense
add` and `payment add` write (a ledger that `verify` accepts)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from tests.databases import migrated_sqlite

BENCH = Path(__file__).resolve().parents[2] / "bench"
TABLES = (
    "transactions",
    "postings",
    "balances",
    "spending",
    "balance_days",
    "spending_days",
    "audit_log",
    "expense_definitions",
    "requests",
)


def _run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _floor(script: str, db: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def small(sqlite_template: Path, tmp_path: Path) -> Path:
    """A group of three with expenses, a payment and a reversal, on one date."""
    db = tmp_path / "small.db"
    migrated_sqlite(sqlite_template, db)
    people = ("ann", "bob", "cy")
    _run(
        db,
        "group",
        "create",
        "G",
        "--currency",
        "EUR",
        *(a for p in people for a in ("--member", p)),
    )
    for i in range(4):
        _run(db, "expense", "add", "G", f"Bill {i}", f"{10 + i}.05", "--paid-by", people[i % 3],
             "--date", "2026-01-02", "--category", "food")  # fmt: skip
    _run(db, "payment", "add", "G", "bob", "ann", "3.00", "--date", "2026-01-03")
    _run(db, "tx", "reverse", "2")
    return db


def _json(text: str) -> Any:
    return json.loads(text)


def test_floor_read_prints_what_the_commands_print(small: Path) -> None:
    balances = _json(_run(small, "balances", "G", "--json"))
    assert _json(_floor("floor_read.py", small, "balances", "G")) == balances
    # settle's plan is computed from exactly these balances
    assert _json(_floor("floor_read.py", small, "settle", "G"))["balances"] == balances["balances"]
    for limit in ("3", "50"):  # a page with more after it, and the whole history
        ours = _json(_run(small, "history", "G", "--json", "--limit", limit))
        assert _json(_floor("floor_read.py", small, "history", "G", "--limit", limit)) == ours


def _counts(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_floor_insert_writes_what_the_commands_write(small: Path, tmp_path: Path) -> None:
    floor = tmp_path / "floor.db"
    shutil.copyfile(small, floor)
    before = _counts(small)
    _run(small, "expense", "add", "G", "Taxi", "12.34", "--paid-by", "ann", "--key", "k1")
    _run(small, "payment", "add", "G", "bob", "ann", "5.00", "--key", "k2")
    _floor(
        "floor_insert.py", floor, "expense", "G", "Taxi", "12.34", "--paid-by", "ann", "--key", "k1"
    )
    _floor("floor_insert.py", floor, "payment", "G", "bob", "ann", "5.00", "--key", "k2")
    ours, theirs = _counts(small), _counts(floor)
    assert {t: theirs[t] - before[t] for t in TABLES} == {t: ours[t] - before[t] for t in TABLES}
    assert "OK" in _run(floor, "verify")  # chain, balances and spending agree with postings
