"""`close`, `group archive|unarchive`, `group list --all` and `--note` (issue 16, parts 4
and 5), on SQLite and PostgreSQL: refusals exit 2 with one plain line naming the close or
the archive and write nothing; notes pass the input policy, are shown plainly, edited
(kept unless changed, cleared with ''), searched with `history --note`, and travel with
the exports."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from splitledger.cli.main import cli
from tests.cli.conftest import Run, ok_json

HOSTILE = {
    "escape": "b\x1b[2Jx",
    "bidi": "b\u202ex",
    "bell": "a\x07b",
    "long": "n" * 2001,
}


def _refused(result: Result) -> str:
    """The one plain line of a refusal (exit 2, nothing on stdout, no traceback)."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: "), line
    assert line.isprintable()
    return line


def _history(run: Run) -> object:
    return ok_json(run("history", "Trip", "--json"))


def _expense(run: Run, date: str, *extra: str) -> Result:
    return run("expense", "add", "Trip", "Dinner", "30", "--paid-by", "ann", "--date", date, *extra)


def test_close_refuses_what_is_dated_in_the_period_and_names_the_close(trip: Run) -> None:
    tx = ok_json(_expense(trip, "2026-06-15", "--json"))["id"]
    closed = ok_json(trip("close", "Trip", "--through", "2026-06-30", "--json"))
    assert closed["through"] == "2026-06-30"
    assert closed["group"] == "Trip"
    before = _history(trip)
    day = closed["closed_at"][:10]
    for args in (
        ("expense", "add", "Trip", "Taxi", "9", "--paid-by", "bob", "--date", "2026-06-30"),
        ("payment", "add", "Trip", "bob", "ann", "5", "--date", "2026-01-01"),
        ("expense", "edit", str(tx), "--amount", "40"),
        ("tx", "reverse", str(tx)),
        ("rate", "add", "Trip", "USD", "EUR", "0.9", "--date", "2026-06-01"),
    ):
        line = _refused(trip(*args))
        assert line == (
            f"error: Trip is closed through 2026-06-30 (closed {day} by "
            f"{closed['actor']}); record a correction dated after it"
        ), args
    assert _history(trip) == before
    assert _expense(trip, "2026-07-01").exit_code == 0


def test_close_moves_forward_only_and_shows_the_closes(trip: Run) -> None:
    assert trip("close", "Trip").stdout.strip() == "Trip has never been closed."
    result = trip("close", "Trip", "--through", "2026-03-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Closed Trip through 2026-03-31")
    assert "moves forward" in _refused(trip("close", "Trip", "--through", "2026-03-31"))
    assert "after today" in _refused(trip("close", "Trip", "--through", "2099-01-01"))
    assert trip("close", "Trip", "--through", "2026-04-30").exit_code == 0
    shown = ok_json(trip("close", "Trip", "--json"))
    assert shown["closed"]["through"] == "2026-04-30"
    assert [c["through"] for c in shown["closes"]] == ["2026-03-31", "2026-04-30"]
    text = trip("close", "Trip").stdout
    assert text.startswith("Trip is closed through 2026-04-30 on ")
    assert "earlier: closed through 2026-03-31" in text
    (group,) = ok_json(trip("group", "list", "--json"))["groups"]
    assert group["closed_through"] == "2026-04-30"
    assert "closed through 2026-04-30" in trip("group", "list").stdout
    assert "no group named" in _refused(trip("close", "Nope", "--through", "2026-01-01"))
    assert "--through" in _refused(trip("close", "Trip", "--through", "2026-02-30"))


def test_archive_hides_the_group_and_refuses_every_write(trip: Run) -> None:
    assert _expense(trip, "2026-05-01").exit_code == 0
    assert trip("group", "archive", "Trip").stdout.startswith("Archived group 'Trip'")
    assert ok_json(trip("group", "list", "--json"))["groups"] == []
    assert "archived ones (1): 'group list --all'" in trip("group", "list").stdout
    (group,) = ok_json(trip("group", "list", "--all", "--json"))["groups"]
    assert group["archived"] is True
    assert "archived" in trip("group", "list", "--all").stdout
    before = _history(trip)
    for args in (
        ("expense", "add", "Trip", "Taxi", "9", "--paid-by", "bob"),
        ("payment", "add", "Trip", "bob", "ann", "5"),
        ("member", "add", "Trip", "dee"),
        ("group", "rename", "Trip", "Old"),
        ("close", "Trip", "--through", "2026-05-31"),
        ("tx", "reverse", "1"),
    ):
        line = _refused(trip(*args))
        assert "Trip is archived, so it is read-only" in line, args
    assert "already archived" in _refused(trip("group", "archive", "Trip"))
    assert _history(trip) == before
    assert trip("balances", "Trip").exit_code == 0
    assert trip("export", "Trip", "--format", "json").exit_code == 0
    assert trip("verify").exit_code == 0
    assert ok_json(trip("group", "unarchive", "Trip", "--json"))["archived"] is False
    assert [g["name"] for g in ok_json(trip("group", "list", "--json"))["groups"]] == ["Trip"]
    assert _expense(trip, "2026-05-02").exit_code == 0


def test_notes_are_recorded_shown_edited_and_cleared(trip: Run) -> None:
    markup = "[bold]x[/] receipt in the drawer"
    tx = ok_json(_expense(trip, "2026-05-01", "--note", markup, "--json"))
    assert tx["note"] == markup
    shown = trip("tx", "show", str(tx["id"]))
    assert f"  note: {markup}" in shown.stdout
    assert ok_json(trip("tx", "show", str(tx["id"]), "--json"))["note"] == markup
    edited = ok_json(trip("expense", "edit", str(tx["id"]), "--amount", "40", "--json"))
    assert edited["tx"]["note"] == markup  # kept
    cleared = ok_json(trip("expense", "edit", str(edited["tx"]["id"]), "--note", "", "--json"))
    assert cleared["tx"]["note"] == ""
    assert {"field": "note", "old": markup, "new": ""}.items() <= cleared["changes"][0].items()
    pay = ok_json(trip("payment", "add", "Trip", "bob", "ann", "5", "--note", "cash", "--json"))
    assert pay["note"] == "cash"
    plain = ok_json(_expense(trip, "2026-05-03", "--json"))
    assert plain["note"] == ""


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_notes_are_refused_plainly(trip: Run, kind: str) -> None:
    before = _history(trip)
    line = _refused(_expense(trip, "2026-05-01", "--note", HOSTILE[kind]))
    assert "note" in line
    assert _history(trip) == before


def test_history_searches_notes(trip: Run) -> None:
    _expense(trip, "2026-05-01", "--note", "Paid with the June card")
    _expense(trip, "2026-05-02", "--note", "cash")
    found = ok_json(trip("history", "Trip", "--note", "june", "--json"))["transactions"]
    assert [t["note"] for t in found] == ["Paid with the June card"]
    assert ok_json(trip("history", "Trip", "--text", "june", "--json"))["transactions"] == []
    assert len(ok_json(trip("history", "Trip", "--text", "dinner", "--json"))["transactions"]) == 2


def test_notes_travel_with_every_export(trip: Run, tmp_path: Path, fresh_url: str) -> None:
    note = '=HYPERLINK("x"); "quoted", with commas'
    _expense(trip, "2026-05-01", "--note", note)
    _expense(trip, "2026-05-02")
    out = tmp_path / "trip.csv"
    assert trip("export", "Trip", "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert {r["note"] for r in rows} == {"'" + note, ""}
    dump = tmp_path / "trip.json"
    assert trip("export", "Trip", "--format", "json", "-o", str(dump)).exit_code == 0
    data = json.loads(dump.read_text(encoding="utf-8"))
    assert [t.get("note") for t in data["transactions"]] == [note, None]
    journal = trip("export", "Trip", "--format", "hledger").stdout
    assert f"    ; note: {note}\n" in journal
    hledger = shutil.which("hledger")
    if hledger is not None:  # the journal still reads, the note as the comment it is
        (tmp_path / "trip.journal").write_text(journal, encoding="utf-8")
        printed = subprocess.run(
            [hledger, "-f", str(tmp_path / "trip.journal"), "print"],
            capture_output=True,
            text=True,
        )
        assert printed.returncode == 0, printed.stderr
        assert f"; note: {note}" in printed.stdout
    ledger_text = trip("export", "Trip", "--format", "beancount").stdout
    assert '  note: "=HYPERLINK(\\"x\\"); \\"quoted\\", with commas"\n' in ledger_text
    bean_check = shutil.which("bean-check") or str(Path(".venv/bin/bean-check").resolve())
    if Path(bean_check).exists():
        (tmp_path / "trip.beancount").write_text(ledger_text, encoding="utf-8")
        done = subprocess.run([bean_check, str(tmp_path / "trip.beancount")], capture_output=True)
        assert done.returncode == 0, done.stderr
    runner = CliRunner()
    restored = runner.invoke(
        cli, ["--db", fresh_url, "import", "Trip", str(dump), "--format", "json"]
    )
    assert restored.exit_code == 0, restored.output
    again = runner.invoke(cli, ["--db", fresh_url, "history", "Trip", "--json"])
    assert [t["note"] for t in json.loads(again.stdout)["transactions"]] == ["", note]
