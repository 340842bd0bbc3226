"""`splitledger recurring …` on SQLite and PostgreSQL: adding, listing, showing, running
(only what is due, once; later dates refused unless a dry run), pausing, ending and
editing; bad input exits 2 with one line and nothing written; user text is shown
plainly; and reads pay neither for validation nor, outside recurring, for dateutil."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import Result

from splitledger.domain import visible
from tests.cli.conftest import Run, ok_json
from tests.unit.test_start_imports import HEAVY, found, imported

TODAY = dt.date.today()


def _ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def _month_start(months_back: int) -> dt.date:
    index = TODAY.year * 12 + TODAY.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def add_rent(run: Run, *extra: str) -> Result:
    start = _month_start(5).isoformat()
    return run(
        "recurring", "add", "Trip", "Rent", "900", "--every", "month", "--from", start,
        "--paid-by", "ann", "--category", "home", *extra,
    )  # fmt: skip


def test_add_list_run_and_show(trip: Run) -> None:
    added = ok_json(add_rent(trip, "--json"))
    assert (added["id"], added["status"], added["due"]) == (1, "active", 6)
    assert added["rule"].startswith("every month on day 1, from ")
    listed = ok_json(trip("recurring", "list", "--json"))
    assert [(s["id"], s["next_date"]) for s in listed] == [(1, _month_start(5).isoformat())]
    text = trip("recurring", "list", "Trip").output
    assert "#1" in text
    assert "Rent" in text
    assert "6 due" in text

    dry = trip("recurring", "run", "--dry-run")
    assert dry.exit_code == 0
    assert "Would record 6 bills" in dry.output
    assert ok_json(trip("recurring", "list", "--json"))[0]["recorded"] == 0

    report = ok_json(trip("recurring", "run", "--json"))
    assert [o["status"] for o in report["occurrences"]] == ["recorded"] * 6
    assert report["occurrences"][0]["key"] == f"recurring:1:{_month_start(5).isoformat()}"
    again = trip("recurring", "run")
    assert again.exit_code == 0
    assert "Recorded 0 bills" in again.output
    history = ok_json(trip("history", "Trip", "--json", "--limit", "50"))
    assert len(history["transactions"]) == 6

    shown = trip("recurring", "show", "#1")
    assert shown.exit_code == 0
    assert "recorded  6" in shown.output
    assert "category  home" in shown.output
    assert ok_json(trip("recurring", "show", "1", "--json"))["last_recorded"] == (
        _month_start(0).isoformat()
    )


def test_later_than_today_is_refused_and_a_dry_run_lists_it_not_due(trip: Run) -> None:
    add_rent(trip)
    later = (TODAY + dt.timedelta(days=40)).isoformat()
    refused = trip("recurring", "run", "--through", later)
    assert refused.exit_code == 2
    assert "after today" in refused.stderr
    assert "Traceback" not in refused.output
    assert ok_json(trip("recurring", "list", "--json"))[0]["recorded"] == 0
    dry = ok_json(trip("recurring", "run", "--dry-run", "--through", later, "--json"))
    statuses = [o["status"] for o in dry["occurrences"]]
    assert statuses[:6] == ["due"] * 6
    assert set(statuses[6:]) == {"not due"}
    text = trip("recurring", "run", "--dry-run", "--through", later).output
    assert "Not due yet (never recorded early): " in text


def test_pause_resume_end_and_edit(trip: Run) -> None:
    add_rent(trip)
    paused = trip("recurring", "pause", "1", "--from", _month_start(2).isoformat())
    assert paused.exit_code == 0
    assert "Paused recurring bill #1" in paused.output
    assert trip("recurring", "pause", "1").exit_code == 2
    report = ok_json(trip("recurring", "run", "--json"))
    assert [o["status"] for o in report["occurrences"]] == ["recorded"] * 3 + ["skipped"] * 3
    assert report["occurrences"][-1]["reason"] == "the schedule was paused"
    resumed = trip("recurring", "resume", "1", "--from", _month_start(2).isoformat())
    assert resumed.exit_code == 0
    assert len(ok_json(trip("recurring", "run", "--json"))["occurrences"]) == 3

    early = trip("recurring", "edit", "1", "--from-date", _month_start(1).isoformat())
    assert early.exit_code == 2
    assert "already recorded" in early.stderr
    later = (_month_start(0) + dt.timedelta(days=1)).isoformat()
    edited = trip(
        "recurring", "edit", "1", "--from-date", later, "--amount", "950", "--for", "ann",
        "--for", "bob",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    assert "Recurring bill #1 ends on" in edited.output
    assert "Added recurring bill #2" in edited.output
    new = ok_json(trip("recurring", "show", "2", "--json"))
    assert (new["replaces"], new["amount"], new["for"]) == (
        1,
        "950.00",
        [["ann", None], ["bob", None]],
    )
    assert ok_json(trip("recurring", "show", "1", "--json"))["status"] == "replaced"
    ended = trip("recurring", "end", "2", "--on", later)
    assert ended.exit_code == 0
    assert "Ended recurring bill #2" in ended.output
    assert ok_json(trip("recurring", "show", "2", "--json"))["next_date"] is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--interval", "0"], "--interval: 0 is not between 1 and 1000"),
        (["--count", "10001"], "--count: 10001 is not between 1 and 10000"),
        (["--count", "3", "--until", "2030-01-01"], "give --until or --count, not both"),
        (["--until", "2090-01-01"], "at most 50 years after the start"),
        (["--day-of-month", "32"], "--day-of-month: write a day from 1 to 31 or 'last'"),
        (["--every", "week", "--day-of-month", "3"], "only for bills that repeat every month"),
        (["--split", "itemised", "--for", "bob"], "--split itemised takes --item lines"),
        (["--for", "zed"], "zed"),
    ],
)
def test_bad_rules_exit_2_with_nothing_written(trip: Run, args: list[str], words: str) -> None:
    result = add_rent(trip, *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert ok_json(trip("recurring", "list", "--json")) == []


@pytest.mark.parametrize(
    "description",
    ["Rent \x1b[2J", "Rent \u202e", "R" * 501, ""],
)
def test_hostile_descriptions_are_refused(trip: Run, description: str) -> None:
    result = trip(
        "recurring", "add", "Trip", description, "900", "--every", "week", "--from", _ago(3),
        "--paid-by", "ann",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    line = result.stderr.rstrip("\n")
    assert visible(line) == line
    assert ok_json(trip("recurring", "list", "--json")) == []


def test_text_that_looks_like_markup_is_shown_as_typed(trip: Run) -> None:
    result = trip(
        "recurring", "add", "Trip", "[bold]x[/]", "9", "--every", "day", "--from", _ago(1),
        "--paid-by", "ann",
    )  # fmt: skip
    assert result.exit_code == 0
    assert "[bold]x[/]" in result.output
    assert "[bold]x[/]" in trip("recurring", "run").output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["show", "x"], "is not a recurring bill's id"),
        (["show", "99"], "no recurring bill #99"),
        (["pause", "99999999999999999999999"], "is not a recurring bill's id"),
        (["list", "Nope"], "no group named 'Nope'"),
        (["run", "--through", "2026-02-30"], "--through: 2026-02-30 is not a day"),
    ],
)
def test_bad_ids_and_groups_exit_2(trip: Run, args: list[str], words: str) -> None:
    result = trip("recurring", *args)
    assert result.exit_code == 2
    assert words in result.stderr


def test_list_reads_without_validation_and_balances_without_dateutil(
    tmp_path: Path, sqlite_template: Path
) -> None:
    from tests.databases import new_sqlite_ledger

    db = new_sqlite_ledger(sqlite_template, tmp_path)
    from splitledger.services.ledger import Ledger

    with Ledger.open(db, actor="t") as book:
        book.create_group("G", "EUR", ["ann", "bob"])
        book.add_schedule(
            "G",
            description="Rent",
            amount="5",
            paid_by=[("ann", None)],
            every="month",
            starts=TODAY,
        )
    modules, out = imported(tmp_path, "--db", db, "recurring", "list", "--json")
    assert found(modules, (*HEAVY, "pydantic")) == []
    assert '"Rent"' in out
    modules, _ = imported(tmp_path, "--db", db, "balances", "G", "--json")
    assert found(modules, ("dateutil",)) == []
