"""`import`: Splitwise files and JSON dumps, atomic, idempotent and reconciled, on SQLite
and PostgreSQL; malformed files exit 2 naming the row and column and write nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from splitledger.services import interchange
from tests.cli.conftest import Run, Shared, balances, ok_json, state
from tests.interop.splitwise_samples import ROWS, export


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "splitwise.csv"
    path.write_bytes(export())
    return path


def _import(run: Run, path: Path, *extra: str, group: str = "Flat") -> dict[str, object]:
    result = ok_json(run("import", group, str(path), "--format", "splitwise", "--json", *extra))
    assert isinstance(result, dict)
    return result


def test_splitwise_import_creates_group_and_reconciles(run: Run, sample: Path) -> None:
    report = _import(run, sample)
    assert report["committed"] is True
    assert report["ok"] is True
    assert (report["created_group"], report["added_members"]) == (True, ["Ann Lee", "Bob", "Cy"])
    assert (report["transactions"], report["recorded"], report["skipped"]) == (5, 5, 0)
    assert report["no_effect"] == 1
    assert report["reconciliation"] == [
        {"member": "Ann Lee", "currency": "EUR", "file_minor": 650, "ledger_minor": 650,
         "file": "6.50", "ledger": "6.50", "ok": True},
        {"member": "Bob", "currency": "EUR", "file_minor": 600, "ledger_minor": 600,
         "file": "6.00", "ledger": "6.00", "ok": True},
        {"member": "Cy", "currency": "EUR", "file_minor": -1250, "ledger_minor": -1250,
         "file": "-12.50", "ledger": "-12.50", "ok": True},
    ]  # fmt: skip
    assert balances(run, "Flat") == {"Ann Lee": 650, "Bob": 600, "Cy": -1250}
    kinds = [t["kind"] for t in ok_json(run("history", "Flat", "--json"))["transactions"]]
    assert sorted(kinds) == ["expense"] * 4 + ["payment"]
    assert ok_json(run("verify", "--json"))["ok"] is True


def test_reimport_adds_nothing_and_a_later_export_adds_only_new_rows(
    run: Run, sample: Path, tmp_path: Path
) -> None:
    _import(run, sample)
    again = _import(run, sample)
    assert (again["recorded"], again["skipped"], again["ok"]) == (0, 5, True)
    later = tmp_path / "later.csv"
    extra = "2026-03-07,Cinema,Entertainment,30.00,EUR,-10.00,-10.00,20.00\n"
    later.write_bytes(export([*ROWS, extra], "2026-03-08,Total balance, , ,EUR,-3.50,-4.00,7.50\n"))
    more = _import(run, later)
    assert (more["recorded"], more["skipped"], more["ok"]) == (1, 5, True)
    assert balances(run, "Flat") == {"Ann Lee": -350, "Bob": -400, "Cy": 750}


def test_dry_run_reports_and_writes_nothing(run: Run, sample: Path) -> None:
    report = _import(run, sample, "--dry-run")
    assert (report["dry_run"], report["committed"], report["recorded"]) == (True, False, 5)
    assert report["ok"] is True
    assert ok_json(run("group", "list", "--json")) == {"groups": []}
    text = run("import", "Flat", str(sample), "--format", "splitwise", "--dry-run").stdout
    assert "dry run: nothing was written" in text
    assert "Every total matches to the minor unit." in text
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def test_human_report(run: Run, sample: Path) -> None:
    text = run("import", "Flat", str(sample), "--format", "splitwise").stdout
    assert "committed" in text
    assert "new members: Ann Lee, Bob, Cy" in text
    assert "5 transactions in the file: 5 recorded, 0 already on the ledger" in text
    assert "1 rows change no balance" in text
    assert ["Cy", "EUR", "-12.50", "-12.50", "ok"] in [line.split() for line in text.splitlines()]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "splitwise.csv: the file is empty"),
        (export().replace(b"Cost", b"Amount", 1), "row 1, column 'Amount': expected 'Cost'"),
        (export().replace(b"20.00,-10.00", b"21.00,-10.00", 1), "row 3: the member cells"),
        (export().replace(b"-8.50,17.00", b"-8.50,1x.00", 1), "row 4, column 'Bob'"),
        (export(total=""), "looks truncated"),
    ],
    ids=["empty", "header", "unbalanced", "number", "no-total"],
)
def test_malformed_file_exits_2_and_writes_nothing(
    shared: Shared, tmp_path: Path, data: bytes, message: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    path = tmp_path / "splitwise.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["--db", url, "import", "Flat", str(path), "--format",
                                      "splitwise"])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert state(ledger) == before


def test_huge_and_missing_files_exit_2(
    run: Run, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interchange, "MAX_IMPORT_BYTES", 100)
    huge = run("import", "Flat", str(sample), "--format", "splitwise")
    assert huge.exit_code == 2
    assert "the limit is" in huge.stderr
    missing = run("import", "Flat", str(sample.with_name("nope.csv")), "--format", "splitwise")
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def test_same_file_into_another_group_is_an_idempotency_conflict(run: Run, sample: Path) -> None:
    _import(run, sample)
    clash = run("import", "Other", str(sample), "--format", "splitwise")
    assert clash.exit_code == 3
    assert "imported into another group" in clash.stderr
    assert [g["name"] for g in ok_json(run("group", "list", "--json"))["groups"]] == ["Flat"]


def test_currency_of_an_existing_group_must_agree(run: Run, sample: Path) -> None:
    run("group", "create", "Flat", "--currency", "EUR")
    bad = run("import", "Flat", str(sample), "--format", "splitwise", "--currency", "USD")
    assert bad.exit_code == 2
    assert "already exists in EUR" in bad.stderr
    assert _import(run, sample)["added_members"] == ["Ann Lee", "Bob", "Cy"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t[:-40], "not JSON"),
        (lambda t: t.replace('"splitledger-group"', '"other"'), "not a splitledger group dump"),
        (lambda t: t.replace('"version": 1', '"version": 9'), "newer splitledger"),
        (lambda t: t.replace('"minor": 3000', '"minor": 3001', 1), "do not sum to zero"),
        (lambda t: t.replace('"minor": 1500', '"minor": 1501'), "damaged or was edited"),
    ],
    ids=["truncated", "format", "version", "unbalanced", "balances"],
)
def test_damaged_json_dump_exits_2(
    shared: Shared, tmp_path: Path, mutate: Callable[[str], str], message: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    runner = CliRunner()
    dump = tmp_path / "trip.json"
    export_args = ["--db", url, "export", "Trip", "--format", "json", "-o", str(dump)]
    assert runner.invoke(cli, export_args).exit_code == 0
    text = dump.read_text()
    assert '"minor": 3000' in text  # bob paid the 30.00 seed, 15.00 each
    assert '"minor": 1500' in text
    dump.write_text(mutate(text))
    result = runner.invoke(cli, ["--db", url, "import", "Copy", str(dump), "--format", "json"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert state(ledger) == before
