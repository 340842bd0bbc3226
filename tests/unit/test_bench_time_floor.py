"""bench/time_ledger.py judges `balances --as-of` and `report` against
bench/floor_time.py, and times them on ledgers it builds straight into SQLite. A floor
only means something if it does the command's work, and a benchmark only if its ledger
is one the services would have written: these prove both on a small build."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bench.time_ledger import build
from splitledger.cli.main import cli
from splitledger.services.ledger import Ledger

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date, dt.date]:
    path = tmp_path_factory.mktemp("time") / "ledger.db"
    _txs, _postings, first, last = build(str(path), 1_500)
    return path, first, last


def _json(*argv: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, list(argv), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _floor(db: Path, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(BENCH / "floor_time.py"), "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_the_built_ledger_verifies_but_for_its_hash_chain(
    built: tuple[Path, dt.date, dt.date],
) -> None:
    """Postings, balances, spending and the daily totals check out; the hashes are
    placeholders (the chain is not what the reads measured here touch)."""
    path, _, _ = built
    with Ledger.open(str(path)) as ledger:
        report = ledger.verify()
    assert report.transactions_checked > 1_500  # the reversals too
    assert {p.code for p in report.problems} <= {"chain-broken", "chain-head", "tampered"}


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9, 2.0])
def test_the_as_of_floor_prints_the_commands_balances(
    built: tuple[Path, dt.date, dt.date], where: float
) -> None:
    path, first, last = built
    day = (first + (last - first) * where).isoformat()
    ours = _json("--db", str(path), "balances", "Big", "--as-of", day, "--json")
    floor = _floor(path, "as-of", "Big", day)
    assert floor["balances"] == ours["balances"]


def test_the_report_floor_prints_the_commands_buckets(built: tuple[Path, dt.date, dt.date]) -> None:
    path, _, _ = built
    ours = _json("--db", str(path), "report", "Big", "--json")
    floor = _floor(path, "report", "Big")
    assert floor["buckets"] == ours["buckets"]
    closing = [(f["member"], f["currency"], f["closing"]) for f in ours["members"]]
    assert [(f["member"], f["currency"], f["closing"]) for f in floor["members"]] == closing
