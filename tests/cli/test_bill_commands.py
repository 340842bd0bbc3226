"""`expense edit`, `expense undo` and `activity` (issue 13), on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.cli.conftest import Run, balances, ok_json
from tests.cli.legacy import HOSTILE, plant


def _add(run: Run, *args: str) -> int:
    data = ok_json(run("expense", "add", *args, "--json"))
    return int(data["id"])


def test_the_ramen_bill_edited_without_changes_records_nothing(run: Run) -> None:
    run("group", "create", "G", "--currency", "USD", "--member", "ann", "--member", "bob")
    ramen = _add(run, "G", "Ramen", "1500", "--currency", "JPY", "--paid-by", "ann")
    before = ok_json(run("history", "G", "--json"))
    same = run("expense", "edit", str(ramen))
    assert (same.exit_code, same.stdout, same.stderr) == (
        0,
        "Nothing changed; nothing recorded.\n",
        "",
    )
    retyped = run("expense", "edit", f"#{ramen}", "--amount", "1,500", "--paid-by", "ann",
                  "--split", "equal", "--for", "ann", "--for", "bob", "--json")  # fmt: skip
    assert ok_json(retyped) == {"tx": None, "changes": []}
    assert ok_json(run("history", "G", "--json")) == before


def test_expense_edit_prints_what_changed(trip: Run) -> None:
    lunch = _add(trip, "Trip", "Lunch", "90", "--paid-by", "ann", "--date", "2026-06-01")
    edited = trip("expense", "edit", str(lunch), "--amount", "120", "--category", "food")
    assert edited.exit_code == 0, edited.output
    lines = edited.stdout.splitlines()
    assert lines[0] == f"Edited expense #{lunch}: now #{lunch + 2} on 2026-06-01: Lunch"
    assert lines[1:4] == [
        "    amount: 90.00 EUR → 120.00 EUR",
        "    shares: ann 30.00, bob 30.00, cy 30.00 → ann 40.00, bob 40.00, cy 40.00",
        "    category: (none) → food",
    ]
    assert balances(trip) == {"ann": 8000, "bob": -4000, "cy": -4000}
    data = ok_json(
        trip("expense", "edit", str(lunch + 2), "--split", "shares", "--for", "ann=2",
             "--for", "bob", "--paid-by", "bob=100", "--paid-by", "cy", "--json")
    )  # fmt: skip
    assert data["tx"]["replaces"] == lunch + 2
    assert data["tx"]["description"] == "Lunch"
    assert data["changes"] == [
        {"field": "paid by", "old": "ann", "new": "bob 100.00, cy pays the rest"},
        {"field": "split", "old": "equal", "new": "shares"},
        {"field": "for", "old": "ann, bob, cy", "new": "ann 2, bob 1"},
        {"field": "shares", "old": "ann 40.00, bob 40.00, cy 40.00",
         "new": "ann 80.00, bob 40.00"},
    ]  # fmt: skip


def test_expense_edit_refusals_exit_2_with_one_line(trip: Run) -> None:
    lunch = _add(trip, "Trip", "Lunch", "90", "--paid-by", "ann")
    assert trip("expense", "edit", str(lunch), "--amount", "60", "--key", "k1").exit_code == 0
    for args, message in [
        (["--amount", "1e3"], f"expense #{lunch} is not the current version"),
        ([], f"expense #{lunch} is not the current version of its bill: #{lunch + 2} is"),
    ]:
        refused = trip("expense", "edit", str(lunch), *args)
        assert refused.exit_code == 2
        assert refused.stderr.startswith(f"error: {message}")
        assert refused.stderr.count("\n") == 1
    bad = trip("expense", "edit", str(lunch + 2), "--amount", "1e3")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: amount: '1e3' is written in scientific notation")
    missing = trip("expense", "edit", "999", "--amount", "1")
    assert (missing.exit_code, missing.stderr) == (2, "error: no such transaction #999\n")
    reused = trip("expense", "edit", str(lunch), "--amount", "61", "--key", "k1")
    assert reused.exit_code == 3
    assert balances(trip) == {"ann": 4000, "bob": -2000, "cy": -2000}


def test_expense_undo_once(trip: Run) -> None:
    lunch = _add(trip, "Trip", "Lunch", "90", "--paid-by", "ann")
    deleted = ok_json(trip("tx", "reverse", str(lunch), "--json"))["id"]
    undone = trip("expense", "undo", str(deleted))
    assert undone.exit_code == 0, undone.output
    assert undone.stdout.startswith(f"Undone: expense #{deleted + 1} replaces #{lunch}.\n")
    assert balances(trip) == {"ann": 6000, "bob": -3000, "cy": -3000}
    again = trip("expense", "undo", str(lunch))
    assert again.exit_code == 2
    assert "was already undone" in again.stderr
    edited = ok_json(trip("expense", "edit", str(deleted + 1), "--amount", "30", "--json"))
    back = ok_json(trip("expense", "undo", str(edited["tx"]["id"]), "--key", "u", "--json"))
    assert back["replaces"] == edited["tx"]["id"]
    assert ok_json(trip("expense", "undo", str(edited["tx"]["id"]), "--key", "u", "--json")) == back
    assert balances(trip) == {"ann": 6000, "bob": -3000, "cy": -3000}


def test_activity_lists_each_change_and_pages(trip: Run) -> None:
    lunch = _add(trip, "Trip", "Lunch", "90", "--paid-by", "ann")
    trip("expense", "edit", str(lunch), "--amount", "120")
    trip("tx", "reverse", str(lunch + 2))
    text = trip("activity", "Trip")
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert [line.split("  ")[3] for line in lines if line.startswith("#")] == [
        f"deleted #{lunch + 3}: Lunch",
        f"edited #{lunch + 2}: Lunch",
        f"recorded #{lunch}: Lunch",
        "group created: Trip (EUR)",
    ]
    assert "    amount: 90.00 EUR → 120.00 EUR" in lines
    first = ok_json(trip("activity", "Trip", "--json", "--limit", "2"))
    assert [(i["kind"], i["tx"]) for i in first["items"]] == [
        ("deleted", lunch + 3),
        ("edited", lunch + 2),
    ]
    assert set(first["items"][1]) == {"id", "at", "actor", "kind", "tx", "description", "changes"}
    assert first["items"][1]["changes"][0] == {
        "field": "amount",
        "old": "90.00 EUR",
        "new": "120.00 EUR",
    }
    assert (first["group"], first["more"], first["before"]) == (
        "Trip",
        True,
        first["items"][1]["id"],
    )
    rest = ok_json(trip("activity", "trip", "--json", "--before", str(first["before"])))
    assert [i["kind"] for i in rest["items"]] == ["recorded", "group_created"]
    assert (rest["more"], rest["before"]) == (False, None)
    paged = trip("activity", "Trip", "--limit", "1")
    assert paged.stderr == f"More activity: continue with --before {first['items'][0]['id']}.\n"
    assert trip("activity", "Trip", "--limit", "0").exit_code == 2
    assert trip("activity", "Nowhere").stderr == "error: no group named 'Nowhere'\n"


def test_activity_shows_stored_text_visible(db_url: str, run: Run) -> None:
    tx_id = plant(db_url)
    shown = run("activity", "Trip")
    assert shown.exit_code == 0
    assert "\x1b" not in shown.stdout
    assert "\u202e" not in shown.stdout
    assert "Din␛[31mner" in shown.stdout
    assert ok_json(run("activity", "Trip", "--json"))["items"][0]["description"] == HOSTILE
    assert run("expense", "edit", str(tx_id)).stdout == "Nothing changed; nothing recorded.\n"
