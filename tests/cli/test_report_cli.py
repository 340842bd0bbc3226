"""`report`, `balances --as-of` and `settle --as-of` as a user runs them: text, JSON and
CSV, the numbers reconciled with the balances, bad input refused with exit 2 and nothing
written, stored hostile text shown plainly."""

from __future__ import annotations

import csv
import io
import json
from importlib import import_module
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import text

from splitledger.cli.main import cli
from splitledger.cli.spending_report import BYS
from splitledger.domain import visible
from splitledger.services import views
from splitledger.services.ledger import Ledger
from tests.cli.conftest import Run, ok_json
from tests.cli.legacy import HOSTILE, plant

NAME = "ann\x1b[2J\u202e"


def _expense(run: Run, *args: str) -> int:
    data = ok_json(run("expense", "add", "Trip", *args, "--json"))
    return int(data["id"])


def _flat(trip: Run) -> dict[str, int]:
    """Bills in two months and categories, a payment, a bill deleted after --to and an
    edited one: every kind of figure a report has."""
    ids = {
        "rent": _expense(trip, "Rent", "90.00", "--paid-by", "ann", "--date", "2026-01-03",
                         "--category", "Rent"),
        "food": _expense(trip, "Food", "30.00", "--paid-by", "bob", "--date", "2026-01-20",
                         "--category", "Food"),
        "gone": _expense(trip, "Gone", "12.00", "--paid-by", "cy", "--date", "2026-01-25",
                         "--category", "Food"),
        "feb": _expense(trip, "Feb", "60.00", "--paid-by", "cy", "--date", "2026-02-02",
                        "--category", "Food"),
    }  # fmt: skip
    assert (
        trip("payment", "add", "Trip", "bob", "ann", "10.00", "--date", "2026-01-28").exit_code == 0
    )
    # deleted on 2026-03-01: out of every report, in the balances until that date
    assert trip("tx", "reverse", str(ids["gone"]), "--date", "2026-03-01").exit_code == 0
    edited = trip("expense", "edit", str(ids["feb"]), "--amount", "66.00", "--json")
    assert edited.exit_code == 0, edited.output
    return ids


def test_the_by_choices_are_the_services(trip: Run) -> None:
    assert BYS == views.REPORT_BYS


def test_report_json_buckets_totals_and_reconciliation(trip: Run) -> None:
    _flat(trip)
    data = ok_json(trip("report", "Trip", "--by", "category,month", "--to", "2026-01-31", "--json"))
    assert (data["by"], data["to"]) == (["category", "month"], "2026-01-31")
    keys = [(b["category"], b["month"]) for b in data["buckets"]]
    assert keys == [("Food", "2026-01"), ("Rent", "2026-01")]  # sorted; the deleted bill gone
    food = data["buckets"][0]
    assert (food["spent"], food["currency"]) == ("30.00", "EUR")
    assert {m["member"]: (m["paid"], m["consumed"]) for m in food["members"]} == {
        "ann": ("0.00", "10.00"),
        "bob": ("30.00", "10.00"),
        "cy": ("0.00", "10.00"),
    }
    (total,) = data["totals"]
    assert total["spent"] == "120.00"
    # Every member: opening + paid - consumed + payments + undone across = balance then.
    balances = ok_json(trip("balances", "Trip", "--as-of", "2026-01-31", "--json"))
    assert balances["as_of"] == "2026-01-31"
    closing = {b["member"]: b["amount"] for b in balances["balances"]}
    for flow in data["members"]:
        parts = [flow[k] for k in ("opening", "paid", "transfers", "reversals_apart")]
        cents = sum(int(p.replace(".", "")) for p in parts) - int(flow["consumed"].replace(".", ""))
        assert f"{cents / 100:.2f}" == flow["closing"] == closing[flow["member"]]
    cy = next(f for f in data["members"] if f["member"] == "cy")
    assert cy["reversals_apart"] == "8.00"  # the bill deleted in March still counts then


def test_report_text_has_buckets_totals_and_the_balances(trip: Run) -> None:
    _flat(trip)
    shown = trip("report", "Trip", "--by", "month")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0] == "Trip: spending by month, all dates"
    assert any(line.split()[:3] == ["2026-01", "EUR", "120.00"] for line in lines)
    assert any(line.split()[:3] == ["2026-02", "EUR", "66.00"] for line in lines)
    assert any(line.split()[:3] == ["Total", "EUR", "186.00"] for line in lines)
    assert "= balance now" in shown.stdout
    by_member = trip("report", "Trip", "--by", "member", "--currency", "eur")
    assert by_member.exit_code == 0, by_member.output
    assert any(
        line.split() == ["ann", "EUR", "90.00", "62.00"] for line in by_member.stdout.splitlines()
    )


def test_report_csv_file_and_stdout(trip: Run, tmp_path: Path) -> None:
    _flat(trip)
    target = tmp_path / "report.csv"
    done = trip("report", "Trip", "--by", "member,month", "--csv", str(target), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["by"] == ["member", "month"]  # --json still printed
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["member", "month", "currency", "paid", "consumed"]
    assert ["ann", "2026-01", "EUR", "90.00", "40.00"] in rows
    out = trip("report", "Trip", "--csv", "-")
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["category", "currency", "member", "paid", "consumed"]
    paid = sum(float(r[3]) for r in rows[1:])
    consumed = sum(float(r[4]) for r in rows[1:])
    assert round(paid, 2) == round(consumed, 2) == 186.00


def test_report_refuses_bad_input_with_exit_2(trip: Run) -> None:
    for args, message in (
        (["--from", "2026-02-01", "--to", "2026-01-01"], "before it starts"),
        (["--by", "year"], "year"),
        (["--currency", "EURO"], "EURO"),
        (["--to", "2026-02-30"], "February 2026 has 28 days"),
    ):
        result = trip("report", "Trip", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr
        assert "Traceback" not in result.output
    missing = trip("report", "Nope")
    assert missing.exit_code == 2
    assert "Nope" in missing.stderr


def test_balances_as_of_before_first_and_in_the_future(trip: Run) -> None:
    _flat(trip)
    before = ok_json(trip("balances", "Trip", "--as-of", "2025-12-31", "--json"))
    assert {b["amount"] for b in before["balances"]} == {"0.00"}
    now = ok_json(trip("balances", "Trip", "--json"))
    later = ok_json(trip("balances", "Trip", "--as-of", "2099-12-31", "--json"))
    assert later["balances"] == now["balances"]
    shown = trip("balances", "Trip", "--as-of", "2026-01-31")
    assert shown.stdout.splitlines()[0] == "Trip (EUR) as of 2026-01-31"


def test_settle_as_of_plans_the_balances_then_and_is_never_recorded(trip: Run) -> None:
    _flat(trip)
    then = ok_json(trip("balances", "Trip", "--as-of", "2026-01-31", "--json"))
    plan = ok_json(trip("settle", "Trip", "--as-of", "2026-01-31", "--json"))
    assert plan["as_of"] == "2026-01-31"
    moved: dict[str, int] = {}
    for t in plan["transfers"]:
        moved[t["from"]] = moved.get(t["from"], 0) + t["minor"]
        moved[t["to"]] = moved.get(t["to"], 0) - t["minor"]
    assert {b["member"]: -b["minor"] for b in then["balances"] if b["minor"]} == {
        m: v for m, v in moved.items() if v
    }
    shown = trip("settle", "Trip", "--as-of", "2026-01-31")
    assert shown.stdout.startswith("As of 2026-01-31 (a plan to read, not recorded):")
    history = ok_json(trip("history", "Trip", "--json"))
    for extra in (["--record"], ["--in", "EUR"], ["--in", "EUR", "--dry-run"]):
        refused = trip("settle", "Trip", "--as-of", "2026-01-31", *extra)
        assert refused.exit_code == 2, refused.output
        assert "--as-of" in refused.stderr
    assert ok_json(trip("history", "Trip", "--json")) == history  # nothing written


def _fill_daily_totals(url: str) -> None:
    """Rows planted straight into the tables (as a version before the input policy
    wrote them) get their daily totals as revision 0005 filled them."""
    migration: Any = import_module("splitledger.store.migrations.versions.0005_time_in_the_ledger")
    with Ledger.open(url) as ledger, ledger.engine.begin() as conn:
        conn.execute(text("DELETE FROM balance_days"))
        conn.execute(text("DELETE FROM spending_days"))
        conn.execute(text(migration._FILL_BALANCE_DAYS))
        conn.execute(text(migration._FILL_SPENDING_DAYS))


def test_report_shows_stored_hostile_text_plainly(trip: Run, db_url: str) -> None:
    plant(db_url, payer=NAME)
    _fill_daily_totals(db_url)
    runner = CliRunner()
    for by in ("category", "member"):
        shown = runner.invoke(
            cli,
            ["--db", db_url, "report", "Trip", "--by", by],
            color=True,
            catch_exceptions=False,
        )
        assert shown.exit_code == 0, shown.output
        assert all(visible(line) == line for line in shown.stdout.split("\n"))
        assert visible(NAME) in shown.stdout
    data = ok_json(trip("report", "Trip", "--json"))
    assert data["buckets"][0]["category"] == HOSTILE
    assert NAME in {m["member"] for m in data["buckets"][0]["members"]}


def test_report_csv_neutralises_formulas(trip: Run, tmp_path: Path) -> None:
    _expense(trip, "Sum", "9.00", "--paid-by", "ann", "--category", "=1+2", "--date", "2026-01-01")
    _expense(trip, "Tag", "3.00", "--paid-by", "bob", "--category", "[bold]x[/]",
             "--date", "2026-01-02")  # fmt: skip
    target = tmp_path / "r.csv"
    assert trip("report", "Trip", "--csv", str(target)).exit_code == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert {r[0] for r in rows[1:]} == {"'=1+2", "[bold]x[/]"}
    shown = trip("report", "Trip")
    assert "[bold]x[/]" in shown.stdout  # as typed, never markup
