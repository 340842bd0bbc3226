"""`import --format csv --map …`: a spreadsheet or bank statement through an inline
mapping or a mapping file; reconciled against the cells' sums, re-imports record
nothing, bad cells and bad mappings exit 2 naming the row and column (or the map field)
with one visible line, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run, balances, ok_json

SAMPLES = Path(__file__).parents[1] / "interop" / "samples" / "csv"
SHEET = (
    "Date,Description,Cost,Paid by,For,Currency\n"
    "2026-03-01,Groceries,30.00,ann,ann;bob;cy,EUR\n"
    "2026-03-02,Taxi,12.00,bob,,EUR\n"
    "2026-03-03,Cinema,16.00,cy,ann;cy,EUR\n"
)
MAP = (
    "date=Date,amount=Cost,payer=Paid by,participants=For,currency=Currency,description=Description"
)


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET)
    return path


def test_a_sheet_imports_reconciled_against_its_cells(run: Run, sheet: Path) -> None:
    report = ok_json(run("import", "Flat", str(sheet), "--format", "csv", "--map", MAP, "--json"))
    assert (report["format"], report["detected"], report["totals_from"]) == ("csv", False, "rows")
    assert (report["committed"], report["ok"], report["recorded"]) == (True, True, 3)
    assert report["added_members"] == ["ann", "bob", "cy"]
    assert any("every member named in the file" in n for n in report["notes"])
    # ann +30 -10 -4 -8 = 8; bob +12 -10 -4 = -2; cy +16 -10 -4 -8 = -6
    assert balances(run, "Flat") == {"ann": 800, "bob": -200, "cy": -600}
    again = ok_json(run("import", "Flat", str(sheet), "--format", "csv", "--map", MAP, "--json"))
    assert (again["recorded"], again["skipped"]) == (0, 3)
    sheet.write_text(SHEET + "2026-03-04,Pizza,9.00,bob,bob;cy,EUR\n")
    longer = ok_json(run("import", "Flat", str(sheet), "--format", "csv", "--map", MAP, "--json"))
    assert (longer["recorded"], longer["skipped"]) == (1, 3)
    assert ok_json(run("verify", "--json"))["ok"] is True


def test_the_text_summary_and_a_dry_run(run: Run, sheet: Path) -> None:
    result = run("import", "Flat", str(sheet), "--map", MAP, "--dry-run")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "(csv)" in text  # --format auto with --map reads the generic CSV
    assert "dry run: nothing was written" in text
    assert "the sums of the file's cells against the ledger" in text
    assert "Every total matches exactly." in text
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def test_mapping_files_of_the_samples(run: Run) -> None:
    flat = ok_json(
        run("import", "Flat", str(SAMPLES / "flatshare.csv"), "--format", "csv",
            "--map", str(SAMPLES / "flatshare.map"), "--json")
    )  # fmt: skip
    assert flat["ok"]
    assert flat["recorded"] == 7
    bank = ok_json(
        run("import", "Bank", str(SAMPLES / "bank-de.csv"), "--format", "csv",
            "--map", str(SAMPLES / "bank-de.map"), "--json")
    )  # fmt: skip
    # refunds=skip: money in (the salary, a refund) is left out and said so
    assert (bank["recorded"], bank["no_effect"]) == (3, 0)  # each row counted once
    assert any("2 row(s) of the other sign left out" in n for n in bank["notes"])
    # spent 52.18 + 89.90 + 89.90 = 231.98, shared by two
    assert balances(run, "Bank") == {"ann": 11599, "bob": -11599}


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (("2026-03-02,Taxi", "03/02/2026,Taxi"), "row 3, column 'Date': '03/02/2026' could be"),
        (("12.00,bob", "12.001,bob"), "row 3, column 'Cost'"),
        (("12.00,bob", ",bob"), "row 3, column 'Cost': is empty"),
        (("Taxi", "Ta\x1b[2Jxi"), "row 3, column 'Description': contains a control character"),
        (("Taxi", "Taxi\u202e"), "row 3, column 'Description'"),
        (("bob,,EUR", "B\u043eb,,EUR"), "row 3, column 'Paid by'"),
    ],
)
def test_bad_cells_exit_2_naming_row_and_column_and_write_nothing(
    run: Run, sheet: Path, edit: tuple[str, str], said: str
) -> None:
    sheet.write_text(SHEET.replace(*edit) + "2026-03-05,Bob,1.00,bob,,EUR\n")
    result = run("import", "Flat", str(sheet), "--format", "csv", "--map", MAP)
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert result.stderr.count("\n") == 1
    assert "\x1b" not in result.stderr
    assert "\u202e" not in result.stderr
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ("date=Date,amount=Cost", "map: payer: is needed"),
        ("dat=Date", "unknown field 'dat'"),
        (MAP.replace("Paid by", "Payer"), "no column 'Payer' in the header"),
        (MAP + ",payer==x", "payer given twice"),
        ("date=Date,amount=Cost,payer==[bold]x\x1b[/]", "U+001B"),
        ("nosuchfile.map", "cannot read nosuchfile.map"),
    ],
)
def test_bad_mappings_exit_2(run: Run, sheet: Path, mapping: str, said: str) -> None:
    result = run("import", "Flat", str(sheet), "--format", "csv", "--map", mapping)
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    assert "\x1b" not in result.stderr
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def test_csv_without_a_mapping_and_flags_it_does_not_take(run: Run, sheet: Path) -> None:
    bare = run("import", "Flat", str(sheet), "--format", "csv")
    assert bare.exit_code == 2
    assert "--format csv needs --map" in bare.stderr
    flag = run("import", "Flat", str(sheet), "--map", MAP, "--unbalanced-to", "Former")
    assert flag.exit_code == 2
    assert "--unbalanced-to is for Splitwise" in flag.stderr
    auto = run("import", "Flat", str(sheet))
    assert auto.exit_code == 2
    assert "--format csv with --map" in auto.stderr  # a sheet nobody recognises


def test_json_output_keeps_hostile_cells_exact_and_text_output_plain(run: Run, sheet: Path) -> None:
    sheet.write_text(SHEET.replace("Taxi", "[bold]x[/]"))
    result = run("import", "Flat", str(sheet), "--map", MAP)
    assert result.exit_code == 0, result.output
    rows = json.loads(run("history", "Flat", "--json").stdout)["transactions"]
    assert "[bold]x[/]" in [r["description"] for r in rows]


def test_without_a_currency_the_existing_groups_is_used(run: Run, sheet: Path) -> None:
    no_currency = MAP.replace(",currency=Currency", "")
    refused = run("import", "Flat", str(sheet), "--map", no_currency)
    assert refused.exit_code == 2
    assert "map: currency: is needed" in refused.stderr
    assert run("group", "create", "Flat", "--currency", "CHF").exit_code == 0
    report = ok_json(run("import", "Flat", str(sheet), "--map", no_currency, "--json"))
    assert {r["currency"] for r in report["reconciliation"]} == {"CHF"}
