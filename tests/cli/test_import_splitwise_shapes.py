"""`import` of every real shape of Splitwise export (issue 18's table), as a new user runs
it: `--format auto` picks Splitwise and says so, balances equal the file's own footers,
re-importing records nothing; former members need `--unbalanced-to NAME` and a file
without footers `--no-footer`, each named by the refusal, and the summary says what
they did. Refusals exit 2 with one visible line and write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from splitledger.interop import splitwise
from tests.cli.conftest import Run, Shared, ok_json, state

SAMPLES = Path(__file__).parents[1] / "interop" / "samples" / "splitwise"
SHAPES = sorted(
    p.name
    for p in SAMPLES.glob("*.csv")
    if p.name not in {"old_2012_former_member.csv", "no_footer_three_currencies.csv"}
)
FORMER = "Former members"


def _balances(run: Run, group: str) -> dict[tuple[str, str], int]:
    data = ok_json(run("balances", group, "--json"))
    return {(b["member"], b["currency"]): b["minor"] for b in data["balances"] if b["minor"]}


def _import(run: Run, path: Path, *extra: str, group: str = "Moved") -> dict[str, Any]:
    result = ok_json(run("import", group, str(path), "--json", *extra))
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize("name", SHAPES)
def test_each_shape_is_detected_imported_and_reconciled(run: Run, name: str) -> None:
    path = SAMPLES / name
    report = _import(run, path)
    assert (report["format"], report["detected"], report["ok"]) == ("splitwise", True, True)
    assert report["totals_from"] == "file"
    footers = splitwise.parse(path.read_bytes()).totals
    assert _balances(run, "Moved") == {k: v for k, v in footers.items() if v}
    again = _import(run, path)
    assert (again["recorded"], again["ok"]) == (0, True)
    assert ok_json(run("verify", "--json"))["ok"] is True


def test_former_members_are_refused_naming_the_flag_then_booked_to_it(
    run: Run, shared: Shared
) -> None:
    url, ledger = shared
    before = state(ledger)
    path = SAMPLES / "old_2012_former_member.csv"
    refused = CliRunner().invoke(cli, ["--db", url, "import", "Old", str(path)])
    assert refused.exit_code == 2
    assert refused.stderr.startswith(
        "error: old_2012_former_member.csv: row 3: the member cells add up to -102.00 USD"
    )
    assert "--unbalanced-to NAME" in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert state(ledger) == before

    report = _import(run, path, "--unbalanced-to", FORMER, group="Old")
    assert report["ok"] is True
    assert report["added_members"] == ["Alice", "Bob", FORMER]
    assert report["notes"] == [
        "72.00 USD booked to Former members from 3 rows whose member cells do not add up "
        "to zero (--unbalanced-to)"
    ]
    assert {r["member"]: r["file_minor"] for r in report["reconciliation"]} == {
        "Alice": -50, "Bob": -7150, FORMER: 7200,
    }  # fmt: skip
    assert _balances(run, "Old") == {
        ("Alice", "USD"): -50, ("Bob", "USD"): -7150, (FORMER, "USD"): 7200,
    }  # fmt: skip
    text = run("import", "Old", str(path), "--unbalanced-to", FORMER).stdout
    assert "  72.00 USD booked to Former members from 3 rows" in text
    assert "0 recorded, 5 already on the ledger" in text


def test_no_footer_is_refused_naming_the_flag_then_reconciled_against_the_rows(
    run: Run, shared: Shared
) -> None:
    url, ledger = shared
    before = state(ledger)
    path = SAMPLES / "no_footer_three_currencies.csv"
    refused = CliRunner().invoke(
        cli, ["--db", url, "import", "Trip", str(path), "--unbalanced-to", FORMER]
    )
    assert refused.exit_code == 2
    assert "no 'Total balance' line for EUR, MKD, USD" in refused.stderr
    assert "--no-footer" in refused.stderr
    assert state(ledger) == before

    args = ("--unbalanced-to", FORMER, "--no-footer", "--currency", "EUR")
    text = run("import", "Trip", str(path), *args).stdout
    assert "the sums of the file's cells against the ledger" in text
    assert "no 'Total balance' line for EUR, MKD, USD: not reconciled against a footer" in text
    assert "Every total matches exactly." in text
    assert _balances(run, "Trip")[FORMER, "MKD"] == -300000
    report = _import(run, path, *args, group="Trip")
    assert (report["totals_from"], report["recorded"]) == ("rows", 0)


def test_a_hostile_unbalanced_name_is_plain_text_or_refused(run: Run, tmp_path: Path) -> None:
    path = SAMPLES / "old_2012_former_member.csv"
    report = _import(run, path, "--unbalanced-to", "[bold]x[/]", group="Old")
    assert "[bold]x[/]" in report["added_members"]
    text = run("balances", "Old").stdout
    assert "[bold]x[/]" in text
    for name, message in [("a\x1bb", "U+001B"), ("a\u202eb", "U+202E"), ("x" * 500, "100")]:
        bad = run("import", "Old2", str(path), "--unbalanced-to", name)
        assert bad.exit_code == 2
        assert bad.stderr.startswith("error: old_2012_former_member.csv: --unbalanced-to: ")
        assert message in bad.stderr
        assert bad.stderr[:-1].isprintable()
        assert "\x1b" not in bad.stderr


def test_a_longer_export_adds_only_its_new_rows(run: Run, tmp_path: Path) -> None:
    path = SAMPLES / "old_2012_former_member.csv"
    _import(run, path, "--unbalanced-to", FORMER, group="Old")
    row = b"2012-03-20,Beer,general,10.0,USD,5.0,-5.0\n\n"
    data = path.read_bytes()
    longer = data.replace(b"\n\n\n2012-04-01", b"\n" + row + b"\n2012-04-01").replace(
        b"USD,-0.5,-71.5", b"USD,4.5,-76.5"
    )
    later = tmp_path / "later.csv"
    later.write_bytes(longer)
    report = _import(run, later, "--unbalanced-to", FORMER, group="Old")
    assert (report["recorded"], report["skipped"], report["ok"]) == (1, 5, True)


def test_export_as_splitwise_then_import_elsewhere(run: Run, tmp_path: Path) -> None:
    members = ("--member", "ann", "--member", "bob", "--member", "cy")
    assert run("group", "create", "Trip", "--currency", "EUR", *members).exit_code == 0
    assert run("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann").exit_code == 0
    assert run("payment", "add", "Trip", "bob", "ann", "10").exit_code == 0
    assert run("expense", "add", "Trip", "Sushi", "3000", "--paid-by", "cy", "--currency",
               "JPY").exit_code == 0  # fmt: skip
    target = tmp_path / "trip.csv"
    done = run("export", "Trip", "--format", "splitwise", "-o", str(target))
    assert done.exit_code == 0, done.output
    assert "Wrote 3 rows of 'Trip'" in done.stderr
    want = _balances(run, "Trip")
    report = _import(run, target, group="Copy")
    assert (report["format"], report["detected"], report["ok"]) == ("splitwise", True, True)
    assert _balances(run, "Copy") == want


def test_auto_detects_a_large_file_whose_head_cuts_a_character(run: Run, tmp_path: Path) -> None:
    """`--format auto` reads the first 16 KiB to tell the format; a Cyrillic export whose
    16,384th byte falls inside a letter was refused as 'not UTF-8 text'."""
    cut = 16_384
    for pad in range(4):
        rows = [
            f"2026-01-{1 + i % 28:02d},{'Пазарење' + 'ж' * (i % 5)},General,2.00,MKD,1.00,-1.00\n"
            for i in range(600)
        ]
        text = (
            "Note: does not include group expenses" + "." * pad + "\n\n"
            "Date,Description,Category,Cost,Currency,Антонио,Дејан\n\n" + "".join(rows) + "\n"
            "2026-02-01,Total balance, , ,MKD,600.00,-600.00\n"
        )
        data = text.encode()
        if data[cut] & 0xC0 == 0x80:  # a continuation byte: the cut splits a letter
            break
    else:
        pytest.fail("no padding put the cut inside a letter")
    path = tmp_path / "friend.csv"
    path.write_bytes(data)
    report = _import(run, path)
    assert (report["format"], report["detected"], report["ok"]) == ("splitwise", True, True)
    assert report["recorded"] == 600


def test_the_same_file_with_another_unbalanced_name_is_a_key_conflict(run: Run) -> None:
    """NAME is not part of the keys (ADR 0019): a second NAME would be a second copy."""
    path = SAMPLES / "old_2012_former_member.csv"
    _import(run, path, "--unbalanced-to", FORMER, group="Old")
    before = _balances(run, "Old")
    clash = run("import", "Old", str(path), "--unbalanced-to", "Gone")
    assert clash.exit_code == 3
    assert "holds with different content" in clash.stderr
    assert _balances(run, "Old") == before
