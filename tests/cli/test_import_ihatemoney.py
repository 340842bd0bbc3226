"""`import … --format ihatemoney` (and auto): IHateMoney's bills export, JSON or CSV,
into a fresh ledger; the two shapes of one project are the same transactions; XXX takes
--currency; bad files exit 2 with one line and write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Run, ok_json
from tests.cli.peer_imports import check_refused_before_any_group, imported, ledger_balances
from tests.interop.test_ihatemoney import write_json

SAMPLES = Path(__file__).parents[1] / "interop" / "samples" / "ihatemoney"
#: Worked by hand: Zoé weighs 2; the train is 22.22/11.11; Fred paid Zoé back 20.
PROJECT = {
    ("Zoé", "EUR"): 778, ("Fred", "EUR"): 1722, ("Amina", "EUR"): -2500,
    ("Zoé", "CHF"): 4550, ("Fred", "CHF"): -2275, ("Amina", "CHF"): -2275,
}  # fmt: skip


def _import(run: Run, path: Path, *extra: str, group: str = "Trip") -> dict[str, Any]:
    return imported(run, path, *extra, group=group)


def _balances(run: Run, group: str = "Trip") -> dict[tuple[str, str], int]:
    return ledger_balances(run, group)


@pytest.mark.parametrize(("first", "second"), [("json", "csv"), ("csv", "json")])
def test_either_shape_imports_and_the_other_then_records_nothing(
    run: Run, first: str, second: str
) -> None:
    report = _import(run, SAMPLES / f"project-bills.{first}")
    assert (report["format"], report["detected"], report["ok"]) == ("ihatemoney", True, True)
    assert (report["recorded"], report["no_effect"], report["totals_from"]) == (4, 1, "rows")
    assert report["notes"] == [
        "Amina never paid, so the export gives no weight: 1 was used, as IHateMoney's own "
        "import does"
    ]
    assert _balances(run) == PROJECT
    again = _import(run, SAMPLES / f"project-bills.{second}", "--format", "ihatemoney")
    assert (again["recorded"], again["skipped"]) == (0, 4)
    assert ok_json(run("verify", "--json"))["ok"] is True


def test_no_currency_takes_currency(run: Run) -> None:
    refused = run("import", "Pizza", str(SAMPLES / "no-currency.csv"))
    assert refused.exit_code == 2
    assert "row 2, column 'currency'" in refused.stderr
    assert "--currency" in refused.stderr
    assert ok_json(run("group", "list", "--json")) == {"groups": []}
    _import(run, SAMPLES / "no-currency.csv", "--currency", "GBP", group="Pizza")
    assert _balances(run, "Pizza") == {("Smith, J", "GBP"): 200, ("Kim", "GBP"): -200}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("settle.json", None, "settle-up export"),
        ("bad.json", [{"what": "x"}], "bill 1: the field 'amount' is missing"),
        (
            "esc.csv",
            b"what,amount,date,payer_name,payer_weight,owers\nx,1.0,2024-01-01,"
            b"A\x1b[2J,1,A\x1b[2J\n",
            "row 2, column 'payer_name'",
        ),
        (
            "rtl.csv",
            "what,amount,date,payer_name,payer_weight,owers\n\u202ex,1.0,2024-01-01,"
            "A,1,B\n".encode(),
            "row 2, column 'what'",
        ),
    ],
)
def test_bad_files_exit_2_with_one_line_and_write_nothing(
    run: Run, tmp_path: Path, name: str, content: object, message: str
) -> None:
    path = SAMPLES / name
    if content is not None:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else write_json(content))  # type: ignore[arg-type]
    result = run("import", "Trip", str(path), "--format", "ihatemoney", "--currency", "EUR")
    check_refused_before_any_group(run, result, message)


def test_a_markup_name_is_shown_as_typed(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "markup.csv"
    path.write_bytes((SAMPLES / "project-bills.csv").read_bytes().replace(b"Amina", b"[red]A[/]"))
    result = run("import", "Trip", str(path))
    assert result.exit_code == 0, result.output
    assert "[red]A[/]" in result.stdout
    assert _balances(run)[("[red]A[/]", "EUR")] == -2500


def test_no_currency_is_the_existing_groups(run: Run) -> None:
    assert run("group", "create", "Pizza", "--currency", "GBP").exit_code == 0
    _import(run, SAMPLES / "no-currency.csv", group="Pizza")
    assert _balances(run, "Pizza") == {("Smith, J", "GBP"): 200, ("Kim", "GBP"): -200}
