"""Exports checked by the real tools: `hledger bal` and `bean-check` must accept the
journals and show the same member balances as `splitledger balances`; the JSON dump
must restore into an empty database with identical balances and history."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from splitledger.cli.main import cli
from splitledger.services.errors import InvalidInput
from tests.cli.conftest import Run, ok_json
from tests.tools import tool

NAMES = ["ann", "Bob Smith", "cy:x", "zoë", "李雷", "=cmd"]


@pytest.fixture
def busy(run: Run) -> Run:
    """A group with awkward names, several currencies, a reversal and an edit-like pair."""
    members = [a for n in NAMES for a in ("--member", n)]
    assert run("group", "create", "Trip; 2026", "--currency", "EUR", *members).exit_code == 0
    g = "Trip; 2026"

    def run_ok(*args: str) -> None:
        result = run(*args)
        assert result.exit_code == 0, result.output

    run_ok("expense", "add", g, 'Dinner; "quoted" \\ =1+1', "90.01", "--paid-by", "ann",
        "--date", "2026-11-01", "--category", "food, drinks")  # fmt: skip
    run_ok("expense", "add", g, "Hotel", "1000", "--paid-by", "Bob Smith=600", "--paid-by", "zoë",
        "--split", "shares", "--for", "ann=2", "--for", "李雷", "--for", "cy:x",
        "--date", "2026-11-02")  # fmt: skip
    run_ok("expense", "add", g, "Sushi", "3000", "--paid-by", "李雷", "--currency", "JPY",
        "--date", "2026-11-03")  # fmt: skip
    run_ok("expense", "add", g, "Dates", "1.500", "--paid-by", "=cmd", "--currency", "BHD",
        "--for", "ann", "--for", "=cmd", "--date", "2026-10-30")  # fmt: skip
    pay = ok_json(run("payment", "add", g, "cy:x", "ann", "12.34", "--date", "2026-11-04",
                      "--json"))  # fmt: skip
    run_ok("tx", "reverse", str(pay["id"]), "--date", "2026-11-05")
    return run


def _ledger_balances(run: Run) -> dict[tuple[str, str], Decimal]:
    data = ok_json(run("balances", "Trip; 2026", "--json"))
    return {(b["member"], b["currency"]): Decimal(b["amount"]) for b in data["balances"]}


def test_hledger_accepts_the_journal_with_the_same_balances(busy: Run, tmp_path: Path) -> None:
    hledger = tool("hledger")
    out = tmp_path / "trip.journal"
    assert busy("export", "Trip; 2026", "--format", "hledger", "-o", str(out)).exit_code == 0
    report = subprocess.run(
        [hledger, "-f", str(out), "bal", "--flat", "--no-total", "--layout=bare", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = {
        (row["account"], row["commodity"]): Decimal(row["balance"])
        for row in csv.DictReader(io.StringIO(report.stdout))
    }
    # Account names: members:<name> with ':' and ';' made safe.
    account = {n: "members:" + n.replace(":", "-") for n in NAMES}
    expected = {(account[m], c): v for (m, c), v in _ledger_balances(busy).items() if v}
    assert found == expected
    assert len(expected) >= 8  # several members in EUR, JPY and BHD
    printed = subprocess.run(
        [hledger, "-f", str(out), "print"], capture_output=True, text=True, check=True
    ).stdout
    assert printed.count("\n2026-") + printed.startswith("2026-") == 6


def test_beancount_accepts_the_ledger_with_the_same_balances(busy: Run, tmp_path: Path) -> None:
    bean_check = tool("bean-check")
    out = tmp_path / "trip.beancount"
    assert busy("export", "Trip; 2026", "--format", "beancount", "-o", str(out)).exit_code == 0
    # bean-check also proves the file's closing balance assertions.
    checked = subprocess.run([bean_check, str(out)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    from beancount import loader
    from beancount.core import data

    entries, errors, _ = loader.load_file(str(out))
    assert errors == []
    names = {e.account: e.meta["name"] for e in entries if isinstance(e, data.Open)}
    sums: dict[tuple[str, str], Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for p in entry.postings:
                assert p.units is not None
                assert p.units.number is not None
                key = (names[p.account], p.units.currency)
                sums[key] = sums.get(key, Decimal(0)) + p.units.number
    assert {k: v for k, v in sums.items() if v} == {
        k: v for k, v in _ledger_balances(busy).items() if v
    }
    assert set(names.values()) == set(NAMES)


def test_a_broken_balance_is_caught_by_bean_check(busy: Run, tmp_path: Path) -> None:
    """The assertions are real: tampering with one posting makes bean-check fail."""
    bean_check = tool("bean-check")
    out = tmp_path / "trip.beancount"
    busy("export", "Trip; 2026", "--format", "beancount", "-o", str(out))
    text = out.read_text(encoding="utf-8").replace("  90.01 EUR", "  90.02 EUR", 1)
    text = text.replace("-90.01 EUR", "-90.02 EUR", 1)
    out.write_text(text, encoding="utf-8")
    assert subprocess.run([bean_check, str(out)], capture_output=True).returncode != 0


def test_csv_export_is_one_row_per_posting_and_neutralised(busy: Run, tmp_path: Path) -> None:
    out = tmp_path / "trip.csv"
    assert busy("export", "Trip; 2026", "--format", "csv", "-o", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"id,date,kind,description,category,member,currency,amount,note\r\n")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    dinner = [r for r in rows if r["description"].startswith("Dinner")]
    assert {r["member"] for r in dinner} == {"'=cmd" if n == "=cmd" else n for n in NAMES}
    cmd = [r for r in rows if r["member"].endswith("=cmd")]
    assert cmd
    assert all(r["member"] == "'=cmd" for r in cmd)
    assert all(r["description"][0] not in "=+-@\t\r" for r in rows)
    total: dict[str, Decimal] = {}
    for r in rows:
        total[r["currency"]] = total.get(r["currency"], Decimal(0)) + Decimal(r["amount"])
    assert set(total.values()) == {Decimal(0)}


def test_json_dump_restores_identical_balances_and_history(
    busy: Run, fresh_url: str, tmp_path: Path
) -> None:
    dump = tmp_path / "trip.json"
    assert busy("export", "Trip; 2026", "--format", "json", "-o", str(dump)).exit_code == 0
    runner = CliRunner()

    def restored(*args: str) -> Result:
        r = runner.invoke(cli, ["--db", fresh_url, *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r

    report = ok_json(restored("import", "Trip; 2026", str(dump), "--format", "json", "--json"))
    assert (report["recorded"], report["skipped"], report["ok"]) == (6, 0, True)

    def restored_run(*args: str) -> Result:
        return runner.invoke(cli, ["--db", fresh_url, *args])

    assert _ledger_balances(restored_run) == _ledger_balances(busy)

    def history(run: Run) -> list[dict[str, object]]:
        txs: list[dict[str, object]] = ok_json(
            run("history", "Trip; 2026", "--json", "--limit", "100")
        )["transactions"]
        return txs

    assert history(restored_run) == history(busy)
    again = ok_json(restored("import", "Trip; 2026", str(dump), "--format", "json", "--json"))
    assert (again["recorded"], again["skipped"]) == (0, 6)
    assert ok_json(restored_run("verify", "--json"))["ok"] is True


def test_export_to_a_file_is_atomic(
    trip: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.journal"
    target.write_text("precious\n")
    target.chmod(0o640)
    failed = trip("export", "Nope", "--format", "hledger", "-o", str(target))
    assert failed.exit_code == 2

    def half_written(out: io.TextIOBase, *_: object) -> int:
        out.write("; half a journal\n")
        raise InvalidInput("the disk said no", field="output")

    with monkeypatch.context() as mp:
        mp.setattr("splitledger.interop.hledger.write_journal", half_written)
        broken = trip("export", "Trip", "--format", "hledger", "-o", str(target))
    assert broken.exit_code == 2
    assert broken.stderr == "error: the disk said no\n"
    assert target.read_text() == "precious\n"
    assert sorted(p.name for p in folder.iterdir()) == ["out.journal"]
    done = trip("export", "Trip", "--format", "hledger", "-o", str(target))
    assert done.exit_code == 0
    assert "Wrote 0 transactions" in done.stderr
    assert target.read_text().startswith("; splitledger export of group Trip")
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions
    fresh = folder / "new.journal"
    assert trip("export", "Trip", "--format", "hledger", "-o", str(fresh)).exit_code == 0
    assert fresh.stat().st_mode & 0o777 == 0o600  # a new one is private, like the ledger


def test_json_round_trip_keeps_edits_linked(trip: Run, db_url: str, fresh_url: str,
                                            tmp_path: Path) -> None:  # fmt: skip
    """An edit (reversal + replacement) survives backup and restore with its links."""
    from splitledger.services.ledger import Ledger

    first = ok_json(trip("expense", "add", "Trip", "Taxi", "30", "--paid-by", "ann", "--json"))
    with Ledger.open(db_url) as ledger:
        edited = ledger.edit_expense(
            first["id"], description="Taxi (fixed)", amount="36", paid_by=[("bob", None)],
            key="edit-1",
        ).tx  # fmt: skip
    assert edited is not None
    assert edited.replaces_id == first["id"]
    dump = tmp_path / "trip.json"
    assert trip("export", "Trip", "--format", "json", "-o", str(dump)).exit_code == 0
    runner = CliRunner()
    restored = runner.invoke(cli, ["--db", fresh_url, "import", "Trip", str(dump), "--format",
                                   "json"])  # fmt: skip
    assert restored.exit_code == 0, restored.output

    def history(url: str) -> list[tuple[object, ...]]:
        out = runner.invoke(cli, ["--db", url, "history", "Trip", "--json"])
        txs = ok_json(out)["transactions"]
        by_id = {t["id"]: t["key"] for t in txs}
        return [
            (t["kind"], t["description"], t["key"], by_id.get(t["reverses"]),
             by_id.get(t["replaces"]), by_id.get(t["reversed_by"]), t["postings"])
            for t in txs
        ]  # fmt: skip

    original = history(db_url)
    assert [row[0] for row in original] == ["expense", "reversal", "expense"]
    assert original[0][4] == first["key"]  # the new version names the one it replaces
    assert history(fresh_url) == original


# -- trust at the edges (issue 12): legacy text, dates at the bounds, no half output -----

#: Names, text and keys as a version before the input policy could store them.
LEGACY_NAMES = {"ann": "ann\x9b31m", "bob": "b\u202eob", "cy": "cy\x7f"}
LEGACY_TEXT = "Din\x1b[31mner\x07 \x1b]0;pwned\x07"


def _legacy(url: str, *dates: dt.date, group: str = "Old") -> None:
    """`group` with members renamed to LEGACY_NAMES and one expense per date whose text
    and key carry control characters, written straight to the store (the services refuse
    such text now, so only an older version could have stored it)."""
    from splitledger.domain import Posting, Transaction, TxKind
    from splitledger.services.ledger import Ledger
    from splitledger.store import repository

    with Ledger.open(url) as ledger:
        ledger.create_group(group, "EUR", tuple(LEGACY_NAMES))
        with ledger.database.transaction(write=True) as session:
            head = repository.group_head(session, name=group, lock=True)
            assert head is not None
            refs = repository.member_refs(session, head.id)
            for old, new in LEGACY_NAMES.items():
                repository.rename_member(session, refs[old].id, new)
            ids = {LEGACY_NAMES[n]: r.id for n, r in refs.items()}
            ann, bob, cy = LEGACY_NAMES.values()
            txs = [
                Transaction(
                    kind=TxKind.EXPENSE,
                    postings=(
                        Posting(ann, "EUR", 300),
                        Posting(bob, "EUR", -200),
                        Posting(cy, "EUR", -100),
                    ),
                    date=day,
                    description=LEGACY_TEXT,
                    idempotency_key=f"legacy-{i}\x1b[2J",
                    category="fo\x1bod\u202e",
                )
                for i, day in enumerate(dates)
            ]
            repository.append_transactions(session, head, [(t, None) for t in txs], ids,
                                           actor="old\x1b")  # fmt: skip


def _raw_controls(text: str) -> list[str]:
    """Characters the input policy refuses, line ends aside."""
    from splitledger.domain import visible

    return [ch for line in text.splitlines() for ch in line if visible(ch) != ch]


@pytest.mark.parametrize("fmt", ["csv", "hledger", "beancount"])
def test_legacy_control_characters_are_exported_visible(
    run: Run, db_url: str, tmp_path: Path, fmt: str
) -> None:
    _legacy(db_url, dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    out = run("export", "Old", "--format", fmt)
    assert out.exit_code == 0, out.stderr
    assert _raw_controls(out.stdout) == []
    assert "Din␛[31mner␇" in out.stdout
    path = tmp_path / f"old.{fmt}"
    path.write_text(out.stdout, encoding="utf-8")
    if fmt == "hledger":
        report = subprocess.run(
            [tool("hledger"), "-f", str(path), "bal", "--flat", "--no-total", "--layout=bare",
             "-O", "csv"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows = list(csv.DictReader(io.StringIO(report.stdout)))
        assert sorted(Decimal(r["balance"]) for r in rows) == [-4, -2, 6]
        assert all(_raw_controls(r["account"]) == [] for r in rows)
    elif fmt == "beancount":
        checked = subprocess.run([tool("bean-check"), str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    else:
        rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
        assert {r["member"] for r in rows} == {"ann\ufffd31m", "b\ufffdob", "cy␡"}
        assert {r["category"] for r in rows} == {"fo␛od\ufffd"}


@pytest.fixture
def bounds(run: Run) -> Run:
    """A group whose transactions sit on the first and last day the ledger accepts."""
    members = ["--member", "ann", "--member", "bob"]
    assert run("group", "create", "Edge", "--currency", "EUR", *members).exit_code == 0
    for day in ("1970-01-01", "2099-12-31"):
        added = run("expense", "add", "Edge", f"On {day}", "10", "--paid-by", "ann",
                    "--date", day)  # fmt: skip
        assert added.exit_code == 0, added.output
    return run


def test_dates_at_the_bounds_pass_hledger(bounds: Run, tmp_path: Path) -> None:
    out = tmp_path / "edge.journal"
    assert bounds("export", "Edge", "--format", "hledger", "-o", str(out)).exit_code == 0
    printed = subprocess.run(
        [tool("hledger"), "-f", str(out), "print"], capture_output=True, text=True, check=True
    ).stdout
    assert "1970-01-01 * (1) On 1970-01-01" in printed
    assert "2099-12-31 * (2) On 2099-12-31" in printed


def test_dates_at_the_bounds_pass_bean_check(bounds: Run, tmp_path: Path) -> None:
    out = tmp_path / "edge.beancount"
    assert bounds("export", "Edge", "--format", "beancount", "-o", str(out)).exit_code == 0
    checked = subprocess.run([tool("bean-check"), str(out)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = out.read_text(encoding="utf-8")
    assert "1970-01-01 open Assets:Members:Ann" in text
    assert "2100-01-01 balance Assets:Members:Ann  10.00 EUR" in text  # the day after


def test_legacy_dates_out_of_range_export_or_exit_2_without_output(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    """Dates an older version accepted (0001-01-01, 9999-12-31): the formats that can
    hold them export them; beancount cannot check a balance after 9999-12-31, so it is
    refused with exit 2 in one line, and nothing reaches stdout (once: the start of the
    ledger and an OverflowError traceback)."""
    _legacy(db_url, dt.date(1, 1, 1), dt.date(9999, 12, 31))
    for fmt in ("csv", "hledger"):
        out = run("export", "Old", "--format", fmt)
        assert out.exit_code == 0, out.stderr
        assert "9999-12-31" in out.stdout
    path = tmp_path / "old.journal"
    path.write_text(run("export", "Old", "--format", "hledger").stdout, encoding="utf-8")
    subprocess.run([tool("hledger"), "-f", str(path), "bal"], capture_output=True, check=True)
    refused = run("export", "Old", "--format", "beancount")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "transaction 2 is dated 9999-12-31" in refused.stderr
    assert "Error" not in refused.stderr
    target = tmp_path / "old.beancount"
    assert run("export", "Old", "--format", "beancount", "-o", str(target)).exit_code == 2
    assert not target.exists()


def test_an_export_failing_midway_leaves_nothing_on_stdout(
    trip: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_written(out: io.TextIOBase, *_: object) -> int:
        out.write("; half a journal\n")
        raise InvalidInput("the disk said no", field="output")

    monkeypatch.setattr("splitledger.interop.hledger.write_journal", half_written)
    broken = trip("export", "Trip", "--format", "hledger")
    assert (broken.exit_code, broken.stdout) == (2, "")
    assert broken.stderr == "error: the disk said no\n"
