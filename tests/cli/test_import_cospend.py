"""`import --format cospend`: a Cospend project export imports with weighted shares,
inactive members' history and URL-decoded comments, reconciled against the sums of its
cells; bad and hostile files exit 2 naming the row and column and write nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from splitledger.domain import Posting
from splitledger.interop import cospend
from splitledger.interop.imported import ReadOptions
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger
from tests.cli import peer_imports as peer
from tests.cli.conftest import Run, ok_json

EXPECTED = {("Alice", "EUR"): -2194, ("Bob", "EUR"): 5113, ("Chloé", "EUR"): -2919}
GOOD = peer.sample("cospend", "weekend.csv")
BILL = (
    '"Dinner",42.5,2024-01-15,1705276800,"Alice",1,1,"Alice,Bob",n,1,0,,1,n,2,"pizza+%26+drinks",0'
)


def test_cospend_export_imports_detected_and_reconciled(run: Run, tmp_path: Path) -> None:
    report = peer.check_imports_and_reconciles(
        run, peer.write(tmp_path, "weekend.csv", GOOD), "cospend", EXPECTED, 6
    )
    assert report["added_members"] == ["Alice", "Bob", "Chloé"]
    assert any("inactive in Cospend" in n and "Chloé" in n for n in report["notes"])
    assert any("trash" in n for n in report["notes"])
    history = ok_json(run("history", "Flat", "--json"))["transactions"]
    dinner = next(t for t in history if t["description"] == "Dinner")
    assert (dinner["category"], dinner["note"]) == ("Food", "pizza & drinks")
    kinds = sorted(t["kind"] for t in history)
    assert kinds == ["expense"] * 5 + ["payment"]


def test_reimport_records_nothing_and_a_longer_export_only_new_bills(
    run: Run, tmp_path: Path
) -> None:
    later = '"Cinema",30,2024-02-12,1707696000,"Alice",1,1,"Alice,Bob,Chloé",n,1,0,,0,n,0,"",0\n'
    longer = GOOD.replace(b"\n\ncategoryname", ("\n" + later).encode() + b"\ncategoryname")
    assert longer != GOOD
    peer.check_reimport_and_longer(
        run, peer.write(tmp_path, "a.csv", GOOD), peer.write(tmp_path, "b.csv", longer), 1
    )


def test_without_a_currency_table_it_asks_for_currency(run: Run, tmp_path: Path) -> None:
    bare = GOOD.split(b"\n\ncurrencyname")[0] + b"\n"
    path = peer.write(tmp_path, "bare.csv", bare)
    result = run("import", "Flat", str(path))
    assert result.exit_code == 2
    assert "give --currency" in result.stderr
    report = peer.imported(run, path, "--currency", "CHF")
    assert report["ok"] is True
    assert {b["currency"] for b in ok_json(run("balances", "Flat", "--json"))["balances"]} == {
        "CHF"
    }


def test_an_old_export_without_members_table_reads_members_from_bills(
    run: Run, tmp_path: Path
) -> None:
    """MoneyBuster's and old Cospend's exports declare members as bills of 1 that each
    member pays for themselves: they change no balance."""
    old = (
        "what,amount,date,timestamp,payer_name,payer_weight,payer_active,owers,repeat,"
        "categoryid,paymentmode\n"
        '"deleteMeIfYouWant",1,1970-01-01,0,"Ann",1,1,"Ann",n,0,n\n'
        '"deleteMeIfYouWant",1,1970-01-01,0,"Bob",2,1,"Bob",n,0,n\n'
        '"Rent",30,2020-05-01,1588291200,"Ann",1,1,"Ann,Bob",n,0,n\n'
    )
    report = peer.imported(run, peer.write(tmp_path, "old.csv", old.encode()), "--currency", "EUR")
    assert (report["recorded"], report["no_effect"], report["ok"]) == (1, 2, True)
    assert ok_json(run("balances", "Flat", "--json"))["balances"][0]["minor"] in (2000, -2000)


def _bill(**changes: str) -> bytes:
    cells = {
        "what": '"Dinner"',
        "amount": "42.5",
        "date": "2024-01-15",
        "owers": '"Alice,Bob"',
        "comment": '"pizza+%26+drinks"',
        "payer": '"Alice"',
    }
    cells.update(changes)
    row = (
        f"{cells['what']},{cells['amount']},{cells['date']},1705276800,{cells['payer']},1,1,"
        f"{cells['owers']},n,1,0,,1,n,2,{cells['comment']},0"
    )
    return GOOD.replace(BILL.encode(), row.encode())


BAD = {
    "amount-text": (_bill(amount="lots"), "row 7, column 'amount': 'lots' is not a number"),
    "amount-decimals": (_bill(amount="1.005"), "row 7, column 'amount': 1.005 has more decimals"),
    "date": (_bill(date="2024-13-40"), "row 7, column 'date': '2024-13-40' is not a date"),
    "unknown-ower": (_bill(owers='"Alice,Zed"'), "row 7, column 'owers': 'Zed' is not a member"),
    "no-owers": (_bill(owers='""'), "row 7, column 'owers': the bill has no owers"),
    "weight": (GOOD.replace(b'"Bob",2,1', b'"Bob",-2,1'), "row 3, column 'weight': a weight"),
    "active": (GOOD.replace(b'"Bob",2,1', b'"Bob",2,yes'), "row 3, column 'active': 'yes'"),
    "cells": (GOOD.replace(b',"#d09e6d"', b""), "row 3: has 3 cells but its header has 4"),
    "no-bills": (GOOD.split(b"\n\n")[0] + b"\n", "no bills table"),
    "lookalike": (
        GOOD.replace(b'"Bob",2,1', b'"alice",2,1').replace(b"Bob", b"alice"),
        "row 1, column 'alice': reads the same as the column 'Alice'",
    ),
}
HOSTILE = {
    "markup-comment-esc": (_bill(comment='"%1B%5B31mred"'), "row 7, column 'comment': contains"),
    "esc-what": (_bill(what='"Din\x1b[2Jner"'), "row 7, column 'what': contains a control"),
    "rlo-name": (GOOD.replace(b'"Bob",2', '"B\u202eob",2'.encode()), "row 3, column 'name'"),
    "long-what": (
        _bill(what='"' + "x" * 501 + '"'),
        "row 7, column 'what': is 501 characters long",
    ),
    "long-name": (GOOD.replace(b'"Bob",2', b'"' + b"B" * 101 + b'",2'), "row 3, column 'name'"),
}

test_bad_and_hostile_files_exit_2_naming_row_and_column = peer.refusal_test("cospend", BAD, HOSTILE)


def test_markup_is_kept_as_plain_text(run: Run, tmp_path: Path) -> None:
    data = _bill(what='"[bold]x[/]"', comment='"%5Bred%5Dy%5B%2F%5D"')
    history = peer.check_markup_kept(run, tmp_path, data)
    bill = next(t for t in history if t["description"] == "[bold]x[/]")
    assert bill["note"] == "[red]y[/]"


#: ann pays a bill she shares (weights 1:1:2), bob one he does not; Cospend bills have
#: one payer each.
TWO_BILLS = (
    b"name,weight,active,color\n"
    b'"ann",1,1,"#000000"\n"bob",1,1,"#000000"\n"cy",2,1,"#000000"\n\n'
    b"what,amount,date,timestamp,payer_name,payer_weight,payer_active,owers,repeat,repeatfreq,"
    b"repeatallactive,repeatuntil,categoryid,paymentmode,paymentmodeid,comment,deleted\n"
    b'"Dinner",100,2024-01-15,1705276800,"ann",1,1,"ann,bob,cy",n,1,0,,0,n,0,"",0\n'
    b'"Taxi",30,2024-01-16,1705363200,"bob",1,1,"ann,cy",n,1,0,,0,n,0,"",0\n'
    b'\ncurrencyname,exchange_rate\n"EUR",1\n'
)


def test_bills_are_posted_as_typed_ones_and_reported_in_full(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    """Posted net, the 100.00 dinner ann paid and shared reported 75.00 spent and ann
    consuming nothing; gross, as the same bills typed here, `report` counts all of it."""
    bills = (
        ("Dinner", "100", "--paid-by", "ann", "--for", "ann=1", "--for", "bob=1", "--for", "cy=2"),
        ("Taxi", "30", "--paid-by", "bob", "--for", "ann=1", "--for", "cy=2"),
    )
    members = {"ann": (10000, 3500), "bob": (3000, 2500), "cy": (0, 7000)}
    typed = [(*args, "--split", "shares") for args in bills]
    peer.check_posted_as_typed_and_reported_in_full(
        run, tmp_path, ledger_url, TWO_BILLS, spent=13000, members=members, typed=typed
    )


def test_a_file_imported_net_before_imports_again_as_nothing_new(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    peer.check_net_before_imports_as_nothing_new(
        run, tmp_path, ledger_url, "cospend", "weekend.csv", 6
    )


def test_a_bill_held_net_with_another_effect_is_still_a_conflict(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    """Only the same effect posted the old way is taken as the same bill: a cent moved
    between two members is different content (exit 3, nothing written)."""
    found = cospend.read(GOOD, ReadOptions())
    first, *rest = (peer.net_of(t) for t in found.transactions)
    a, b, *others = first.postings
    moved = (
        Posting(a.account, a.currency, a.minor + 1),
        Posting(b.account, b.currency, b.minor - 1),
    )
    changed = dataclasses.replace(first, postings=(*moved, *others))
    with Ledger.open(ledger_url, actor="tester") as ledger:
        ledger.import_transactions(
            "Flat", "EUR", found.members, [ImportEntry(t) for t in (changed, *rest)],
            source="weekend.csv",
        )  # fmt: skip
    result = run("import", "Flat", str(peer.write(tmp_path, "weekend.csv", GOOD)), "--json")
    assert result.exit_code == 3
    assert "different content" in result.stderr
