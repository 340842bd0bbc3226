"""`import`: Splitwise files and JSON dumps, atomic, idempotent and reconciled, on SQLite
and PostgreSQL; malformed files exit 2 naming the row and column and write nothing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from splitledger.cli.main import cli
from splitledger.domain import Posting, Transaction, TxKind
from splitledger.services import imports, interchange
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger
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
    assert "Every total matches exactly." in text
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def test_human_report(run: Run, sample: Path) -> None:
    text = run("import", "Flat", str(sample), "--format", "splitwise").stdout
    assert "committed" in text
    assert "new members: Ann Lee, Bob, Cy" in text
    assert "5 transactions in the file: 5 recorded, 0 already on the ledger" in text
    assert "1 row changes no balance and was left out" in text
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
    assert "already used in group 'Flat' (was this file imported there?)" in clash.stderr
    assert clash.stderr.count("(") == 1  # one hint, not two
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
        (lambda t: re.sub(r'"version": \d+', '"version": 99', t), "newer splitledger"),
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


# -- hostile Splitwise files (issue 12, "Trust at the edges") ----------------------------


def _row1(description: str = "Groceries", category: str = "Groceries") -> bytes:
    """The sample with its first row's Description and Category cells replaced."""
    cells = ",".join('"' + c.replace('"', '""') + '"' for c in (description, category))
    return export().replace(b"Groceries,Groceries", cells.encode(), 1)


def _header(*names: str) -> bytes:
    quoted = ",".join('"' + n + '"' for n in names)
    return export().replace(b"Ann Lee,Bob,Cy", quoted.encode(), 1)


#: (file, the first row's description and category as stored) for files that import.
HOSTILE_ACCEPTED = {
    "markup": (_row1("[bold]x[/]", "[red]x"), "[bold]x[/]", "[red]x"),
    "tabs-and-newlines": (_row1("Gro\tcer\r\nies\n", "a\t\tb"), "Gro cer ies", "a b"),
    "500-characters": (_row1("D" * 500), "D" * 500, "Groceries"),
    "current-balance": (
        export().replace(b"Total balance", b"Current balance"),
        "Groceries",
        "Groceries",
    ),
}

#: (file, the one-line message's start: the row and column it names) for files refused.
HOSTILE_REFUSED = {
    "esc-sequence": (
        _row1("Gro\x1b[31mceries"),
        "row 3, column 'Description': contains a control character U+001B (ESCAPE) at position 4",
    ),
    "osc-title": (_row1(category="\x1b]0;pwned\x07"), "row 3, column 'Category': contains"),
    "rlo": (_row1("abc\u202edef"), "row 3, column 'Description': contains a text-direction"),
    "zero-width-space": (_row1("a\u200bb"), "row 3, column 'Description': contains an invisible"),
    "501-characters": (
        _row1("D" * 501),
        "row 3, column 'Description': is 501 characters long; at most 500 are allowed",
    ),
    "101-character-category": (_row1(category="C" * 101), "row 3, column 'Category': is 101"),
    "blank-cost": (export().replace(b"30.00,EUR", b" ,EUR", 1), "row 3, column 'Cost': is empty"),
    "blank-cost-no-effect": (
        export().replace(b"12.00,EUR", b",EUR", 1),
        "row 8, column 'Cost': is empty",
    ),
    "blank-member-cell": (
        export().replace(b"EUR,0.00,-3.00", b"EUR,,-3.00", 1),
        "row 6, column 'Ann Lee': is empty",
    ),
    "date-before-1970": (
        export().replace(b"2026-03-01", b"1969-12-31", 1),
        "row 3, column 'Date': 1969-12-31 is outside the supported range 1970-01-01 to 2099-12-31",
    ),
    "date-after-2099": (
        export().replace(b"2026-03-01", b"2100-01-01", 1),
        "row 3, column 'Date': 2100-01-01 is outside",
    ),
    "member-case": (
        _header("ann", "Bob", "Ann"),
        "row 1, column 'Ann': reads the same as the column 'ann'",
    ),
    "member-cyrillic": (
        _header("ann", "Bob", "\u0430nn"),
        "row 1, column '\u0430nn': reads the same as the column 'ann'",
    ),
    "member-zero-width": (
        _header("ann", "ann\u200b", "Cy"),
        "row 1, column 'ann\\u200b': reads the same as the column 'ann'",
    ),
    "member-esc": (_header("Ann Lee", "Bob", "C\x1by"), "row 1, column 'C\\x1by': contains a"),
}

#: Words a message in plain language never has (issue 12).
NOT_PLAIN = re.compile(
    r"minor unit|String should|\.0:|[A-Z][a-z]+(Error|Exception|Conflict)\b|Traceback"
)


@pytest.mark.parametrize(
    ("data", "description", "category"),
    HOSTILE_ACCEPTED.values(),
    ids=HOSTILE_ACCEPTED.keys(),
)
def test_hostile_file_imports_with_the_text_the_policy_gives(
    run: Run, tmp_path: Path, data: bytes, description: str, category: str
) -> None:
    path = tmp_path / "splitwise.csv"
    path.write_bytes(data)
    report = _import(run, path)
    assert (report["committed"], report["ok"], report["recorded"]) == (True, True, 5)
    first = ok_json(run("history", "Flat", "--json"))["transactions"][-1]
    assert (first["description"], first["category"]) == (description, category)


@pytest.mark.parametrize(("data", "message"), HOSTILE_REFUSED.values(), ids=HOSTILE_REFUSED.keys())
def test_hostile_file_exits_2_naming_row_and_column_and_writes_nothing(
    shared: Shared, tmp_path: Path, data: bytes, message: str
) -> None:
    url, ledger = shared
    before = state(ledger)
    path = tmp_path / "splitwise.csv"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["--db", url, "import", "Flat", str(path), "--format",
                                      "splitwise"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: splitwise.csv: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr[:-1].isprintable()  # what it quotes is escaped, never raw
    assert not NOT_PLAIN.search(result.stderr), result.stderr
    assert state(ledger) == before


def test_blank_cost_is_refused_in_so_many_words(shared: Shared, tmp_path: Path) -> None:
    """It used to read as 0: "members are owed 20.00 in all, more than the cost " (the
    empty value last), or the row silently dropped as changing no balance."""
    url, _ = shared
    path = tmp_path / "blank.csv"
    path.write_bytes(export().replace(b"30.00,EUR", b"   ,EUR", 1))
    result = CliRunner().invoke(cli, ["--db", url, "import", "Flat", str(path), "--format",
                                      "splitwise"])  # fmt: skip
    assert result.stderr == "error: blank.csv: row 3, column 'Cost': is empty\n"


def test_a_name_that_reads_like_a_group_imports_into_that_group(run: Run, sample: Path) -> None:
    _import(run, sample)
    again = _import(run, sample, group="FLAT")
    assert (again["group"], again["created_group"], again["skipped"]) == ("Flat", False, 5)
    assert [g["name"] for g in ok_json(run("group", "list", "--json"))["groups"]] == ["Flat"]


def test_a_file_member_that_reads_like_a_group_member_is_refused(
    run: Run, sample: Path, tmp_path: Path
) -> None:
    assert run("group", "create", "Flat", "--currency", "EUR", "--member", "bob").exit_code == 0
    result = run("import", "Flat", str(sample), "--format", "splitwise")
    assert result.exit_code == 2
    assert "the member 'Bob' reads the same as 'bob', already in 'Flat'" in result.stderr
    assert balances(run, "Flat") == {"bob": 0}  # nothing imported


# -- the import service's own checks ----------------------------------------------------


def _tx(
    description: str, minor: int = 1000, day: str = "2026-03-01", key: str = "k1"
) -> Transaction:
    return Transaction(
        kind=TxKind.EXPENSE,
        postings=(Posting("ann", "EUR", minor), Posting("bob", "EUR", -minor)),
        date=dt.date.fromisoformat(day),
        description=description,
        idempotency_key=key,
    )


def test_service_refuses_text_and_dates_a_reader_let_through(db_url: str) -> None:
    """A backstop behind the readers: nothing imported skips the input policy."""
    with Ledger.open(db_url) as ledger:
        for tx, message in [
            (_tx("Din\x1bner"), "transaction 1: description: contains a control character"),
            (_tx("ok", day="2100-01-01"), "transaction 1: date: 2100-01-01 is outside"),
        ]:
            with pytest.raises(InvalidInput, match=message):
                ledger.import_transactions(
                    "G", "EUR", ["ann", "bob"], [ImportEntry(tx)], source="f"
                )
        assert ledger.groups() == []


def test_service_reports_a_mismatch_in_major_units(db_url: str) -> None:
    with Ledger.open(db_url) as ledger, pytest.raises(InvalidInput) as caught:
        ledger.import_transactions(
            "G", "EUR", ["ann", "bob"], [ImportEntry(_tx("Tea"))],
            source="f", expected={("ann", "EUR"): 1001, ("bob", "EUR"): -1000},
        )  # fmt: skip
    assert "ann: the file says 10.01 EUR, the ledger 10.00 EUR" in str(caught.value)
    assert not NOT_PLAIN.search(str(caught.value))


def test_service_refuses_what_would_overflow_the_ledger(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Balances and spending are 64-bit integers: SQLite turned an overflow into an
    inexact float, and `verify` then failed ("integer overflow")."""
    monkeypatch.setattr(imports, "_MAX_SUM", 2500)
    with Ledger.open(db_url) as ledger:
        first = [ImportEntry(_tx("Tea", key="a"))]
        assert ledger.import_transactions("G", "EUR", ["ann", "bob"], first, source="f").recorded
        more = [ImportEntry(_tx("Tea", key=k)) for k in "bc"]
        with pytest.raises(InvalidInput, match=r"moves 20\.00 EUR in all; with what the group"):
            ledger.import_transactions("G", "EUR", ["ann", "bob"], more, source="f")
        assert len(list(ledger.iter_transactions("G"))) == 1


def test_a_file_name_with_control_characters_is_named_visibly(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "flat\x1b[2J.csv"
    path.write_bytes(export().replace(b"30.00,EUR", b",EUR", 1))
    refused = run("import", "Flat", str(path), "--format", "splitwise")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: flat␛[2J.csv: row 3, column 'Cost': is empty")
    path.write_bytes(export())
    assert _import(run, path)["source"] == "flat␛[2J.csv"
