"""`import … --format spliit` (and auto): Spliit's CSV and JSON exports into fresh
ledgers give the same balances, Spliit's own; re-imports record nothing; bad files exit
2 with one line and write nothing; hostile names are refused or shown as plain text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Run, balances, ok_json
from tests.cli.peer_imports import check_refused_before_any_group, imported
from tests.interop import spliit_samples as samples

SAMPLES = Path(__file__).parents[1] / "interop" / "samples" / "spliit"
#: Spliit's balances page for the trip sample (the test exporter's port of its rule).
TRIP = {"Alice": 3225, "Bob": 4333, "Chloé": -7558}


def _import(run: Run, path: Path, *extra: str, group: str = "Trip") -> dict[str, Any]:
    return imported(run, path, *extra, group=group)


@pytest.mark.parametrize("name", ["trip.csv", "trip.json", "trip-2025.csv"])
def test_each_export_imports_detected_and_reconciled_to_spliits_balances(
    run: Run, name: str
) -> None:
    report = _import(run, SAMPLES / name)
    assert (report["format"], report["detected"], report["committed"]) == ("spliit", True, True)
    assert (report["ok"], report["totals_from"]) == (True, "rows")
    assert (report["transactions"], report["recorded"], report["no_effect"]) == (6, 6, 1)
    assert balances(run, "Trip") == TRIP
    assert ok_json(run("verify", "--json"))["ok"] is True
    again = _import(run, SAMPLES / name)
    assert (again["recorded"], again["skipped"]) == (0, 6)


def test_text_summary_names_the_format_and_the_cells_sums(run: Run) -> None:
    result = run("import", "Trip", str(SAMPLES / "trip.json"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "(spliit, detected)" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert "1 expense repeats in Spliit (1 monthly)" in result.stdout
    assert "the sums of the file's cells against the ledger" in result.stdout
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def test_the_csv_then_the_json_of_a_group_records_nothing_new(run: Run) -> None:
    _import(run, SAMPLES / "pair.csv", group="Flat")
    report = _import(run, SAMPLES / "pair.json", "--format", "spliit", group="Flat")
    assert (report["recorded"], report["skipped"]) == (0, 2)
    assert balances(run, "Flat") == samples.balances(samples.pair())
    kinds = sorted(t["kind"] for t in ok_json(run("history", "Flat", "--json"))["transactions"])
    assert kinds == ["expense", "payment"]


def test_an_expense_with_a_note_differs_between_the_shapes_and_is_refused(run: Run) -> None:
    _import(run, SAMPLES / "trip.csv")
    result = run("import", "Trip", str(SAMPLES / "trip.json"))
    assert result.exit_code == 3  # a conflict, as for any key held with other content
    assert "different content" in result.stderr
    assert balances(run, "Trip") == TRIP


def test_a_longer_export_records_only_its_new_expenses(run: Run, tmp_path: Path) -> None:
    group = samples.trip()
    first = tmp_path / "first.json"
    first.write_bytes(samples.write_json(group | {"expenses": group["expenses"][:3]}))
    _import(run, first)
    report = _import(run, SAMPLES / "trip.json")
    assert (report["recorded"], report["skipped"]) == (3, 3)
    assert balances(run, "Trip") == TRIP


def test_a_symbol_currency_takes_currency(run: Run, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes((SAMPLES / "trip.csv").read_bytes().replace(b'"EUR"', '"€"'.encode()))
    refused = run("import", "Trip", str(legacy))
    assert refused.exit_code == 2
    assert "give --currency CODE" in refused.stderr
    assert refused.stderr.count("\n") == 1
    _import(run, legacy, "--currency", "EUR")
    assert balances(run, "Trip") == TRIP


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'"Bob"', b'"B\x1b[2Job"', "row 1, column 'B"),
        (b'"Bob"', '"\u202eBob"'.encode(), "row 1"),
        (b'"Dinner"', b'"' + b"D" * 501 + b'"', "at most 500"),
        (b"31.67,-31.66,-31.67", b"31.67,-31.66,-21.67", "--unbalanced-to NAME"),
        (b"-66.67,133.33,0", b"0,133.33,0", "row 3"),
    ],
)
def test_bad_files_exit_2_with_one_line_and_write_nothing(
    run: Run, tmp_path: Path, old: bytes, new: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes((SAMPLES / "trip.csv").read_bytes().replace(old, new, 1))
    result = run("import", "Trip", str(path), "--format", "spliit")
    check_refused_before_any_group(run, result, message)


def test_a_markup_name_is_shown_as_typed(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "markup.csv"
    path.write_bytes((SAMPLES / "trip.csv").read_bytes().replace(b'"Bob"', b'"[bold]x[/]"', 1))
    result = run("import", "Trip", str(path))
    assert result.exit_code == 0, result.output
    assert "[bold]x[/]" in result.stdout
    assert balances(run, "Trip")["[bold]x[/]"] == TRIP["Bob"]


def test_unbalanced_to_books_the_gap_and_says_so(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "gap.csv"
    data = (SAMPLES / "trip.csv").read_bytes()
    path.write_bytes(data.replace(b"31.67,-31.66,-31.67", b"31.67,-31.66,-21.67", 1))
    report = _import(run, path, "--unbalanced-to", "Former member")
    assert report["notes"] == ["10.00 EUR over 1 row(s) went to Former member"]
    assert balances(run, "Trip")["Former member"] == -1000
    assert report["ok"] is True
