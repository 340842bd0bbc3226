"""`import --format tricount`: a Tricount export imports with its exact per-member
shares, each row in its own currency or in the default one as its cells say, the
exchange rate checked; bad and hostile files exit 2 naming the row and column and write
nothing."""

from __future__ import annotations

from pathlib import Path

from tests.cli import peer_imports as peer
from tests.cli.conftest import Run, ok_json

EXPECTED = {
    ("Alice", "EUR"): 1966,
    ("Bob", "EUR"): 967,
    ("Chloé", "EUR"): -2933,
    ("Alice", "CHF"): -3367,
    ("Bob", "CHF"): -3367,
    ("Chloé", "CHF"): 6734,
}
GOOD = peer.sample("tricount", "trip.csv")
#: The sample's first expense, cell by cell.
CELLS = {
    "title": "Groceries",
    "amount": "-60.00",
    "currency": "EUR",
    "rate": "1",
    "default": "-60.00",
    "type": "Normal",
    "category": "Food & drinks",
    "payer": "Alice",
    "date": "2024-03-01 18:22",
    "paid": "-60.00,0.00,0.00",
    "impacted": "-20.00,-20.00,-20.00",
}


def _row(**changes: str) -> bytes:
    return peer.with_row(GOOD, CELLS, **changes)


def test_tricount_export_imports_detected_and_reconciled(run: Run, tmp_path: Path) -> None:
    report = peer.check_imports_and_reconciles(
        run, peer.write(tmp_path, "trip.csv", GOOD), "tricount", EXPECTED, 8
    )
    assert report["added_members"] == ["Alice", "Bob", "Chloé"]
    assert report["notes"] == []
    history = ok_json(run("history", "Flat", "--json"))["transactions"]
    transfer = next(t for t in history if t["description"] == "Bob pays Alice")
    assert transfer["kind"] == "payment"


def test_reimport_records_nothing_and_a_longer_export_only_new_rows(
    run: Run, tmp_path: Path
) -> None:
    later = (
        "Taxi,-9.00,EUR,1,-9.00,Normal,,Bob,2024-03-07 23:00,0.00,-9.00,0.00,-3.00,-3.00,-3.00,\n"
    )
    longer = GOOD.replace(b"\nExported on", later.encode() + b"\nExported on")
    peer.check_reimport_and_longer(
        run, peer.write(tmp_path, "a.csv", GOOD), peer.write(tmp_path, "b.csv", longer), 1
    )


def test_a_file_cut_short_is_read_and_said_so(run: Run, tmp_path: Path) -> None:
    cut = GOOD.split(b"\nExported on")[0]
    report = peer.imported(run, peer.write(tmp_path, "cut.csv", cut))
    assert report["ok"] is True
    assert any("Exported on" in n for n in report["notes"])


def test_shares_in_the_default_currency_are_booked_in_it(run: Run, tmp_path: Path) -> None:
    """A CHF row whose cells add up to its EUR amount is booked in EUR, as the cells say."""
    data = _row(
        amount="-50.00",
        currency="CHF",
        rate="0.9",
        default="-45.00",
        paid="-45.00,0.00,0.00",
        impacted="-15.00,-15.00,-15.00",
    )
    report = peer.imported(run, peer.write(tmp_path, "default.csv", data))
    assert report["ok"] is True


BAD = {
    "shares-miss": (
        _row(impacted="-20.00,-20.00,-19.99"),
        "row 2, column 'Impacted to Alice': the 'Impacted to' cells add up to "
        "59.99 EUR, not the row's 60.00 EUR",
    ),
    "paid-miss": (_row(paid="-50.00,0.00,0.00"), "row 2, column 'Paid by Alice': the 'Paid by'"),
    "rate": (
        _row(currency="CHF", rate="0.5"),
        "row 2, column 'Exchange rate': 60.00 CHF at 0.5 is not the 60.00 EUR",
    ),
    "neither": (
        _row(
            currency="CHF",
            rate="0.9",
            default="-54.00",
            impacted="-18.00,-18.00,-17.00",
            paid="-54.00,0.00,0.00",
        ),
        "row 2, column 'Impacted to Alice': the 'Impacted to' cells add up to 53.00 CHF",
    ),
    "mixed-signs": (
        _row(impacted="-20.00,20.00,-60.00"),
        "row 2, column 'Impacted to Bob': has the other sign",
    ),
    "amount": (_row(amount="sixty"), "row 2, column 'Amount': 'sixty' is not a number"),
    "cell": (_row(impacted="-20.00,-20.00,abc"), "row 2, column 'Impacted to Chloé': 'abc'"),
    "date": (_row(date="31/02/2024"), "row 2, column 'Date & time': '31/02/2024' is not a date"),
    "currency": (_row(currency="EURO"), "row 2, column 'Currency':"),
    "after-trailer": (
        GOOD + b"Late,-1.00,EUR,1,-1.00,Normal,,Bob,2024-03-09,0,-1,0,0,-1,0,\n",
        "row 12: a row after the closing line of row 11",
    ),
    "no-impacted": (GOOD.replace(b"Impacted to", b"Affected"), "row 1: no 'Impacted to <Name>'"),
    "lookalike": (
        GOOD.replace(b"Impacted to Bob", b"Impacted to alice"),
        "row 1, column 'Impacted to alice': reads the same as the column",
    ),
}
HOSTILE = {
    "esc-title": (_row(title="Gro\x1b[31mceries"), "row 2, column 'Title': contains a control"),
    "rlo-category": (_row(category="a\u202eb"), "row 2, column 'Category': contains a text-dir"),
    "esc-member": (GOOD.replace(b"Paid by Bob", b"Paid by B\x1bob"), "row 1, column 'Paid by B"),
    "long-name": (GOOD.replace(b"Impacted to Bob", b"Impacted to " + b"B" * 101), "row 1,"),
    "long-title": (_row(title="x" * 501), "row 2, column 'Title': is 501 characters long"),
}

test_bad_and_hostile_files_exit_2_naming_row_and_column = peer.refusal_test(
    "tricount", BAD, HOSTILE
)


def test_markup_is_kept_as_plain_text(run: Run, tmp_path: Path) -> None:
    peer.check_markup_kept(run, tmp_path, _row(title="[bold]x[/]"))


#: ann pays a bill she shares; ann and bob pay one for all three.
TWO_BILLS = (
    b"Title,Amount,Currency,Paid by,Date & time,Paid by ann,Paid by bob,Paid by cy,"
    b"Impacted to ann,Impacted to bob,Impacted to cy\n"
    b"Dinner,-30.00,EUR,ann,2024-03-01 18:22,-30.00,0.00,0.00,-10.00,-10.00,-10.00\n"
    b"Hotel,-90.00,EUR,ann,2024-03-02 10:00,-60.00,-30.00,0.00,-30.00,-30.00,-30.00\n"
    b"Exported on 2024-03-08 09:12\n"
)


def test_bills_are_posted_as_typed_ones_and_reported_in_full(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    """Posted net, the 30.00 dinner ann paid and shared reported 20.00 spent and ann
    consuming nothing, the 90.00 hotel 30.00 with bob in it not at all; gross, as the
    same bills typed here, `report` counts all of them."""
    typed = []
    for title, amount, payers in (
        ("Dinner", 30, ("--paid-by", "ann")),
        ("Hotel", 90, ("--paid-by", "ann=60", "--paid-by", "bob")),
    ):
        shares = [arg for m in ("ann", "bob", "cy") for arg in ("--for", f"{m}={amount // 3}")]
        typed.append((title, str(amount), *payers, *shares, "--split", "exact"))
    members = {"ann": (9000, 4000), "bob": (3000, 4000), "cy": (0, 4000)}
    peer.check_posted_as_typed_and_reported_in_full(
        run, tmp_path, ledger_url, TWO_BILLS, spent=12000, members=members, typed=typed
    )


def test_a_file_imported_net_before_imports_again_as_nothing_new(
    run: Run, tmp_path: Path, ledger_url: str
) -> None:
    peer.check_net_before_imports_as_nothing_new(
        run, tmp_path, ledger_url, "tricount", "trip.csv", 8
    )
