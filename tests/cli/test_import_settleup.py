"""`import --format settleup`: a Settle Up export (UTF-8, or UTF-16 with its byte-order
mark and tabs) imports with its exact split amounts, several payers and transfers as
payments; bad and hostile files exit 2 naming the row and column and write nothing."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.cli import peer_imports as peer
from tests.cli.conftest import Run, ok_json

EXPECTED = {
    ("Alice", "EUR"): 3100,
    ("Bob", "EUR"): 100,
    ("Chloé", "EUR"): -3200,
    ("Alice", "USD"): -3334,
    ("Bob", "USD"): -3333,
    ("Chloé", "USD"): 6667,
}
GOOD = peer.sample("settleup", "flat.csv")
#: The sample's first expense, cell by cell.
CELLS = {
    "payers": "Alice",
    "amounts": "90.00",
    "currency": "EUR",
    "members": "Alice;Bob;Chloé",
    "shares": "30.00;30.00;30.00",
    "purpose": "Groceries",
    "category": "🛒",
    "date": "2024-04-01 18:22:05",
    "rate": "1",
    "converted": "90.00",
    "type": "expense",
}


def _row(**changes: str) -> bytes:
    return peer.with_row(GOOD, CELLS, **changes)


def _utf16(data: bytes) -> bytes:
    return codecs.BOM_UTF16_LE + data.decode().replace(",", "\t").encode("utf-16-le")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_settleup_export_imports_detected_and_reconciled(
    run: Run, tmp_path: Path, encoding: str
) -> None:
    data = GOOD if encoding == "utf-8" else _utf16(GOOD)
    report = peer.check_imports_and_reconciles(
        run, peer.write(tmp_path, "flat.csv", data), "settleup", EXPECTED, 6
    )
    assert report["added_members"] == ["Alice", "Bob", "Chloé"]
    history = ok_json(run("history", "Flat", "--json"))["transactions"]
    assert [t["kind"] for t in history].count("payment") == 1
    assert "Bob paid Alice" in [t["description"] for t in history]


def test_utf16_and_utf8_exports_are_the_same_rows(run: Run, tmp_path: Path) -> None:
    peer.imported(run, peer.write(tmp_path, "a.csv", GOOD))
    again = peer.imported(run, peer.write(tmp_path, "b.csv", _utf16(GOOD)))
    assert (again["recorded"], again["skipped"], again["ok"]) == (0, 6, True)


def test_reimport_records_nothing_and_a_longer_export_only_new_rows(
    run: Run, tmp_path: Path
) -> None:
    later = b"Bob,9.00,EUR,Alice;Chlo\xc3\xa9,4.50;4.50,Taxi,,2024-04-06 23:00:00,1,9.00,expense,\n"
    peer.check_reimport_and_longer(
        run, peer.write(tmp_path, "a.csv", GOOD), peer.write(tmp_path, "b.csv", GOOD + later), 1
    )


BAD = {
    "shares-miss": (
        _row(shares="30.00;30.00;29.99"),
        "row 2, column 'Split amounts': the shares add up to 89.99 EUR, not the 90.00 EUR paid",
    ),
    "lists": (_row(shares="45.00;45.00"), "row 2, column 'Split amounts': lists 2 amount(s)"),
    "payers": (_row(payers="Alice;Bob"), "row 2, column 'Amount': lists 1 amount(s) for the 2"),
    "negative": (
        _row(amounts="-90.00", shares="-30.00;-30.00;-30.00"),
        "row 2, column 'Amount': -90.00 EUR is negative",
    ),
    "amount": (_row(amounts="ninety"), "row 2, column 'Amount': 'ninety' is not a number"),
    "date": (_row(date="yesterday"), "row 2, column 'Date & time': 'yesterday' is not a date"),
    "converted": (
        _row(currency="USD", rate="0.92", converted="99.00"),
        "row 2, column 'Converted amount (EUR)': 90.00 USD at 0.92 is not 99.00 EUR",
    ),
    "empty-whom": (_row(members="", shares=""), "row 2, column 'For whom': is empty"),
    "cells": (GOOD.replace(b",expense,\n", b"\n", 1), "row 2: has 10 cells but the header has 12"),
    "header": (GOOD.replace(b"Split amounts", b"Shares"), "row 1: no 'Split amounts' column"),
    "lookalike": (_row(members="Alice;Bob;alice"), "row 1, column 'alice': reads the same"),
}
HOSTILE = {
    "esc-purpose": (_row(purpose="Gro\x1b[31mceries"), "row 2, column 'Purpose': contains"),
    "rlo-name": (_row(members="Alice;B\u202eob;Chloé"), "row 2, column 'For whom': contains"),
    "long-name": (
        _row(
            payers="A" * 101,
        ),
        "row 2, column 'Who paid': is 101 characters",
    ),
    "long-purpose": (_row(purpose="x" * 501), "row 2, column 'Purpose': is 501 characters long"),
}

test_bad_and_hostile_files_exit_2_naming_row_and_column = peer.refusal_test(
    "settleup", BAD, HOSTILE
)


def test_markup_is_kept_as_plain_text(run: Run, tmp_path: Path) -> None:
    peer.check_markup_kept(run, tmp_path, _row(purpose="[bold]x[/]"))


#: ann pays a bill she shares; ann and bob pay one for all three.
TWO_BILLS = (
    b"Who paid,Amount,Currency,For whom,Split amounts,Purpose,Category,Date & time,"
    b"Exchange rate,Converted amount (EUR),Type,Receipt\n"
    b"ann,30.00,EUR,ann;bob;cy,10.00;10.00;10.00,Dinner,,2024-04-01 20:00:00,1,30.00,expense,\n"
    b"ann;bob,20.00;10.00,EUR,ann;bob;cy,10.00;10.00;10.00,Pizza,,2024-04-02 20:00:00,1,30.00,"
    b"expense,\n"
)


def test_bills_are_posted_as_typed_ones_and_reported_in_full(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    """Posted net, the 30.00 pizza ann and bob paid 20.00 and 10.00 for three reported
    10.00 spent and bob in it not at all, the dinner ann paid and shared 20.00; gross,
    as the same bills typed here, `report` counts all of them."""
    shares = ("--for", "ann=10", "--for", "bob=10", "--for", "cy=10")
    bills = (
        ("Dinner", "30", "--paid-by", "ann"),
        ("Pizza", "30", "--paid-by", "ann=20", "--paid-by", "bob"),
    )
    members = {"ann": (5000, 2000), "bob": (1000, 2000), "cy": (0, 2000)}
    typed = [(*args, *shares, "--split", "exact") for args in bills]
    peer.check_posted_as_typed_and_reported_in_full(
        run, tmp_path, ledger_url, TWO_BILLS, spent=6000, members=members, typed=typed
    )


def test_a_file_imported_net_before_imports_again_as_nothing_new(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    peer.check_net_before_imports_as_nothing_new(
        run, tmp_path, ledger_url, "settleup", "flat.csv", 6
    )
