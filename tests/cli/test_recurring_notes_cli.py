"""`splitledger recurring add|edit --note` on SQLite and PostgreSQL: the note is kept
with the schedule, shown by `show` (plain text) and `list`/`show --json`, carried by
every bill a run records, changed by an edit only from its date ('' clears it, omitted
keeps it); a hostile note exits 2 with one visible line and nothing written; the option
is the one `expense add`/`edit` take, with the same help."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from click.testing import Result

from splitledger.domain import visible
from tests.cli.conftest import Run, ok_json

TODAY = dt.date.today()


def _month_start(months_back: int) -> dt.date:
    index = TODAY.year * 12 + TODAY.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def _add(run: Run, *extra: str) -> Result:
    return run(
        "recurring", "add", "Trip", "Rent", "900", "--every", "month", "--from",
        _month_start(2).isoformat(), "--paid-by", "ann", *extra,
    )  # fmt: skip


def _notes_recorded(run: Run) -> list[str]:
    history = ok_json(run("history", "Trip", "--json", "--limit", "50"))
    ids = sorted(t["id"] for t in history["transactions"])
    return [ok_json(run("tx", "show", str(i), "--json"))["note"] for i in ids]


def test_a_note_is_kept_shown_and_carried_by_every_bill(trip: Run) -> None:
    added = _add(trip, "--note", "standing order [bold]x[/]", "--category", "home")
    assert added.exit_code == 0, added.output
    assert "note      standing order [bold]x[/]" in added.output
    shown = trip("recurring", "show", "1").output
    lines = shown.splitlines()
    assert [line.split()[0] for line in lines[1:4]] == ["amount", "category", "note"]
    assert ok_json(trip("recurring", "show", "1", "--json"))["note"] == (
        "standing order [bold]x[/]"
    )
    assert ok_json(trip("recurring", "list", "--json"))[0]["note"] == "standing order [bold]x[/]"
    assert trip("recurring", "run").exit_code == 0
    assert _notes_recorded(trip) == ["standing order [bold]x[/]"] * 3


def test_without_a_note_show_has_no_note_line_and_json_an_empty_one(trip: Run) -> None:
    assert _add(trip).exit_code == 0
    assert "note" not in trip("recurring", "show", "1").output
    assert ok_json(trip("recurring", "show", "1", "--json"))["note"] == ""


def test_an_edit_changes_the_note_from_its_date_keeps_it_or_clears_it(trip: Run) -> None:
    _add(trip, "--note", "old")
    assert trip("recurring", "run").exit_code == 0
    later = (_month_start(0) + dt.timedelta(days=1)).isoformat()
    kept = trip("recurring", "edit", "1", "--from-date", later, "--amount", "950", "--json")
    assert ok_json(kept)["note"] == "old"
    end = (_month_start(0) + dt.timedelta(days=2)).isoformat()
    changed = trip("recurring", "edit", "2", "--from-date", end, "--note", "new", "--json")
    assert ok_json(changed)["note"] == "new"
    last = (_month_start(0) + dt.timedelta(days=3)).isoformat()
    cleared = trip("recurring", "edit", "3", "--from-date", last, "--note", "", "--json")
    assert ok_json(cleared)["note"] == ""
    notes = [s["note"] for s in ok_json(trip("recurring", "list", "--json"))]
    assert notes == ["old", "old", "new", ""]
    assert _notes_recorded(trip) == ["old"] * 3  # recorded bills stay as they are


@pytest.mark.parametrize("note", ["a \x1b[2J", "a \u202e b", "n" * 2001, "a\x07"])
def test_hostile_notes_exit_2_with_nothing_written(trip: Run, note: str) -> None:
    result = _add(trip, "--note", note)
    assert result.exit_code == 2
    stderr = result.stderr
    assert stderr.count("\n") == 1
    assert "note" in stderr
    assert visible(stderr.rstrip("\n")) == stderr.rstrip("\n")
    assert ok_json(trip("recurring", "list", "--json")) == []
    _add(trip, "--note", "fine")
    later = (_month_start(0) + dt.timedelta(days=1)).isoformat()
    edit = trip("recurring", "edit", "1", "--from-date", later, "--note", note)
    assert edit.exit_code == 2
    assert [
        (s["id"], s["note"], s["ends_on"]) for s in ok_json(trip("recurring", "list", "--json"))
    ] == [(1, "fine", None)]


def test_the_note_options_are_those_of_expenses() -> None:
    from splitledger.cli.recurring import recurring_add, recurring_edit
    from splitledger.cli.transactions import expense_add, expense_edit, payment_add

    def help_of(command: click.Command) -> str:
        return str(next(p for p in command.params if p.name == "note").help)

    assert help_of(recurring_add) == help_of(expense_add) == help_of(payment_add)
    assert help_of(recurring_edit) == help_of(expense_edit)
    assert help_of(expense_add) == "Free text kept with it (at most 2000 characters)."
    assert help_of(expense_edit) == "A new note ('' to clear it)."
