"""Each command's happy path, on SQLite and PostgreSQL, through the real click app."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.cli.conftest import Run, balances, ok_json

#: A group neither archived nor closed, as its JSON says.
OPEN = {"archived": False, "closed_through": None}


def test_group_create_list_and_member_add(run: Run) -> None:
    created = run("group", "create", "Flat", "--currency", "usd", "--member", "ann")
    assert created.exit_code == 0
    assert created.stdout == "Created group 'Flat' (USD) with ann.\n"
    assert ok_json(run("member", "add", "Flat", "bob", "cy", "--json")) == {
        "name": "Flat",
        "currency": "USD",
        "members": ["ann", "bob", "cy"],
        "archived": False,
        "closed_through": None,
    }
    run("group", "create", "Empty", "--currency", "JPY")
    listed = ok_json(run("group", "list", "--json"))
    assert listed == {
        "groups": [
            {"name": "Empty", "currency": "JPY", "members": [], **OPEN},
            {"name": "Flat", "currency": "USD", "members": ["ann", "bob", "cy"], **OPEN},
        ]
    }
    text = run("group", "list").stdout
    assert "Flat" in text
    assert "ann, bob, cy" in text
    assert "(no members)" in text


def test_expense_add_equal_for_everyone_json_shape(trip: Run) -> None:
    data = ok_json(
        trip(
            "expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann",
            "--date", "2026-11-01", "--category", "food", "--key", "dinner-1", "--json",
        )
    )  # fmt: skip
    assert data["id"] >= 1
    assert (data["date"], data["kind"], data["category"], data["key"]) == (
        "2026-11-01",
        "expense",
        "food",
        "dinner-1",
    )
    assert data["postings"] == [
        {"member": "ann", "currency": "EUR", "minor": 9000, "amount": "90.00"},
        {"member": "ann", "currency": "EUR", "minor": -3000, "amount": "-30.00"},
        {"member": "bob", "currency": "EUR", "minor": -3000, "amount": "-30.00"},
        {"member": "cy", "currency": "EUR", "minor": -3000, "amount": "-30.00"},
    ]
    assert balances(trip) == {"ann": 6000, "bob": -3000, "cy": -3000}
    # The same key and payload is answered from the first record, not posted twice.
    again = ok_json(
        trip(
            "expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann",
            "--date", "2026-11-01", "--category", "food", "--key", "dinner-1", "--json",
        )
    )  # fmt: skip
    assert again["id"] == data["id"]
    assert balances(trip) == {"ann": 6000, "bob": -3000, "cy": -3000}


def test_expense_split_modes_and_several_payers(trip: Run) -> None:
    r = trip(
        "expense", "add", "Trip", "Hotel", "100", "--paid-by", "ann=60", "--paid-by", "bob",
        "--split", "exact", "--for", "ann=50", "--for", "bob=30", "--for", "cy=20",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Recorded expense #" in r.stdout
    assert "Hotel" in r.stdout
    assert balances(trip) == {"ann": 1000, "bob": 1000, "cy": -2000}
    trip(
        "expense", "add", "Trip", "Fuel", "10", "--paid-by", "cy",
        "--split", "percent", "--for", "ann=50%", "--for", "cy=50",
    )  # fmt: skip
    trip(
        "expense", "add", "Trip", "Wine", "30", "--paid-by", "bob",
        "--split", "shares", "--for", "ann=2", "--for", "bob",
    )  # fmt: skip
    trip(
        "expense", "add", "Trip", "Dessert", "34", "--paid-by", "ann",
        "--split", "adjust", "--for", "ann=+4", "--for", "bob", "--for", "cy",
    )  # fmt: skip
    # Net effects by hand: hotel (ann +10, bob +10, cy -20), fuel (ann -5, cy +5),
    # wine (ann -20, bob +20), dessert: 30 left after ann's +4, 10 each (ann +20, bob -10,
    # cy -10).
    assert balances(trip) == {"ann": 1000 - 500 - 2000 + 2000, "bob": 1000 + 2000 - 1000,
                              "cy": -2000 + 500 - 1000}  # fmt: skip


def test_payment_add_and_tx_reverse_and_show(trip: Run) -> None:
    pay = ok_json(trip("payment", "add", "Trip", "bob", "ann", "12.50", "--json"))
    assert pay["kind"] == "payment"
    assert [(p["member"], p["minor"]) for p in pay["postings"]] == [("bob", 1250), ("ann", -1250)]
    assert balances(trip) == {"ann": -1250, "bob": 1250, "cy": 0}
    rev = ok_json(trip("tx", "reverse", str(pay["id"]), "--key", "undo-1", "--json"))
    assert (rev["kind"], rev["reverses"]) == ("reversal", pay["id"])
    assert balances(trip) == {"ann": 0, "bob": 0, "cy": 0}
    shown = ok_json(trip("tx", "show", str(pay["id"]), "--json"))
    assert shown["reversed_by"] == rev["id"]
    assert [a["action"] for a in shown["audit"]] == ["tx.payment", "tx.reverse"]
    assert "reversal" in trip("tx", "show", str(rev["id"])).stdout


def test_balances_json_csv_and_text(trip: Run, tmp_path: Path) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann")
    data = ok_json(trip("balances", "Trip", "--json"))
    assert data == {
        "group": "Trip",
        "balances": [
            {"member": "ann", "currency": "EUR", "minor": 6000, "amount": "60.00"},
            {"member": "bob", "currency": "EUR", "minor": -3000, "amount": "-30.00"},
            {"member": "cy", "currency": "EUR", "minor": -3000, "amount": "-30.00"},
        ],
    }
    out = tmp_path / "b.csv"
    assert trip("balances", "Trip", "--csv", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").splitlines() == [
        "member,currency,amount",
        "ann,EUR,60.00",
        "bob,EUR,-30.00",
        "cy,EUR,-30.00",
    ]
    text = trip("balances", "Trip").stdout
    assert "+60.00 EUR  is owed" in text
    assert "-30.00 EUR  owes" in text


def test_settle_plan_csv_and_record(trip: Run, tmp_path: Path) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann")
    plan = ok_json(trip("settle", "Trip", "--json"))
    assert plan == {
        "group": "Trip",
        "transfers": [
            {"from": "bob", "to": "ann", "currency": "EUR", "minor": 3000, "amount": "30.00"},
            {"from": "cy", "to": "ann", "currency": "EUR", "minor": 3000, "amount": "30.00"},
        ],
    }
    csv_out = trip("settle", "Trip", "--csv", "-").stdout
    assert list(csv.reader(io.StringIO(csv_out))) == [
        ["from", "to", "amount", "currency"],
        ["bob", "ann", "30.00", "EUR"],
        ["cy", "ann", "30.00", "EUR"],
    ]
    recorded = ok_json(trip("settle", "Trip", "--record", "--json", "--key", "s1"))
    assert len(recorded["recorded"]) == 2
    assert balances(trip) == {"ann": 0, "bob": 0, "cy": 0}
    assert trip("settle", "Trip").stdout == "Trip: everyone is settled up.\n"
    # a retry of the same run (same key) answers as the first did, and records nothing
    again = ok_json(trip("settle", "Trip", "--record", "--json", "--key", "s1"))
    assert again == recorded
    first, second = recorded["recorded"]
    assert trip("settle", "Trip", "--record", "--key", "s1").stdout == (
        f"bob pays ann 30.00 EUR\ncy pays ann 30.00 EUR\nRecorded 2 payments: #{first}, #{second}\n"
    )
    kinds = [t["kind"] for t in ok_json(trip("history", "Trip", "--json"))["transactions"]]
    assert kinds == ["payment", "payment", "expense"]
    # the key names this settlement: another group's settle cannot take it
    trip("group", "create", "Flat", "--currency", "EUR", "--member", "ann", "--member", "bob")
    trip("expense", "add", "Flat", "Rent", "10", "--paid-by", "ann")
    assert trip("settle", "Flat", "--record", "--key", "s1").exit_code == 3


def test_history_newest_first_filters_and_csv(trip: Run, tmp_path: Path) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann", "--date", "2026-11-01")
    trip(
        "expense", "add", "Trip", "Museum", "30", "--paid-by", "bob", "--date", "2026-11-02",
        "--category", "fun", "--for", "bob", "--for", "cy",
    )  # fmt: skip
    trip("payment", "add", "Trip", "cy", "ann", "5", "--date", "2026-11-03")
    data = ok_json(trip("history", "Trip", "--json"))
    assert data["group"] == "Trip"
    txs = data["transactions"]
    assert [t["description"] for t in txs] == ["cy paid ann", "Museum", "Dinner"]
    assert set(txs[0]) >= {"id", "date", "kind", "description", "category", "postings"}
    assert txs[0]["postings"][0] == {
        "member": "cy", "currency": "EUR", "minor": 500, "amount": "5.00",
    }  # fmt: skip
    only = ok_json(trip("history", "Trip", "--json", "--category", "fun"))["transactions"]
    assert [t["description"] for t in only] == ["Museum"]
    ann = ok_json(trip("history", "Trip", "--json", "--member", "ann", "--limit", "1"))
    assert [t["description"] for t in ann["transactions"]] == ["cy paid ann"]
    dated = trip("history", "Trip", "--json", "--from", "2026-11-02", "--to", "2026-11-02")
    assert [t["description"] for t in ok_json(dated)["transactions"]] == ["Museum"]
    kinds = ok_json(trip("history", "Trip", "--json", "--kind", "payment"))["transactions"]
    assert [t["kind"] for t in kinds] == ["payment"]
    out = tmp_path / "h.csv"
    trip("history", "Trip", "--csv", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert len(rows) == 2 + 3 + 4  # postings: payment 2, museum 3 (bob paid, shared), dinner 4
    text = trip("history", "Trip").stdout.splitlines()
    assert len(text) == 3
    assert "Museum [fun]" in text[1]


def test_verify_ok(trip: Run) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann")
    assert ok_json(trip("verify", "--json")) == {
        "ok": True,
        "problems": [],
        "transactions_checked": 1,
        "postings_checked": 4,
    }
    assert trip("verify").stdout == "OK: 1 transaction and 4 postings check out.\n"
