"""The Tricount reader: exact per-member shares in the row's currency or the default
one, the exchange rate checked and never applied, and errors naming the row and column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import formats, tricount
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ReadOptions
from splitledger.interop.peers import rate_matches

SAMPLE = (Path(__file__).parent / "samples" / "tricount" / "trip.csv").read_bytes()
MEMBERS = ("Ann", "Bob", "Cy")
MEMBERS_SAMPLE = ("Alice", "Bob", "Chloé")


def test_sample_books_each_row_in_the_currency_its_cells_are_in() -> None:
    found = tricount.read(SAMPLE, ReadOptions())
    assert (found.members, found.currency, found.totals_from) == (MEMBERS_SAMPLE, "EUR", "rows")
    by_title = {t.description: t for t in found.transactions}
    assert by_title["Dinner in Geneva"].currencies == {"CHF"}  # cells add up to 101.00 CHF
    assert by_title["Ski pass"].currencies == {"EUR"}  # cells add up to the 45.00 EUR
    income = {p.account: p.minor for p in by_title["Deposit back"].postings}
    assert income == {"Alice": -2000, "Bob": 1000, "Chloé": 1000}
    assert by_title["Bob pays Alice"].kind is TxKind.PAYMENT
    assert found.notes == ()


def test_detected_and_french_headings_read_the_same() -> None:
    assert formats.detect(SAMPLE.decode()) == "tricount"
    french = (
        SAMPLE.decode()
        .replace("Title,Amount,Currency,Exchange rate", "Titre,Montant,Devise,Taux de change")
        .replace("Transaction type,Category,Paid by,Date & time", "Type,Catégorie,Payé par,Date")
        .replace("Paid by ", "Payé par ")
        .replace("Impacted to ", "Impacté à ")
        .replace("Exported on", "Exporté le")
        .encode()
    )
    assert formats.detect(french.decode()) == "tricount"
    found = tricount.read(french, ReadOptions())
    assert found.totals == tricount.read(SAMPLE, ReadOptions()).totals


def test_rate_matches_either_way_round_to_half_a_cent() -> None:
    assert rate_matches(10100, "CHF", Decimal("0.9"), 9090, "EUR")
    assert rate_matches(10000, "EUR", Decimal("1.1"), 9091, "CHF")  # 1 CHF = 1.1 EUR
    assert not rate_matches(10100, "CHF", Decimal("0.9"), 9092, "EUR")
    assert rate_matches(1000, "EUR", Decimal("160.5"), 1605, "JPY")


def _export(rows: list[tuple[str, int, dict[str, int]]]) -> bytes:
    head = "Title,Amount,Currency,Paid by,Date & time," + ",".join(
        [*(f"Paid by {m}" for m in MEMBERS), *(f"Impacted to {m}" for m in MEMBERS)]
    )
    lines = [head]
    for payer, amount, shares in rows:
        paid = [amount if m == payer else 0 for m in MEMBERS]
        cells = [f"-{v // 100}.{v % 100:02d}" for v in [*paid, *(shares[m] for m in MEMBERS)]]
        amount_text = f"-{amount // 100}.{amount % 100:02d}"
        lines.append(f"Bill,{amount_text},EUR,{payer},2024-05-01 10:00," + ",".join(cells))
    lines.append("Exported on 2024-05-02")
    return ("\n".join(lines) + "\n").encode()


@st.composite
def bills(draw: st.DrawFn) -> list[tuple[str, int, dict[str, int]]]:
    rows = []
    for _ in range(draw(st.integers(1, 10))):
        shares = {m: draw(st.integers(0, 10**6)) for m in MEMBERS}
        if not sum(shares.values()):
            shares["Ann"] = 1
        rows.append((draw(st.sampled_from(MEMBERS)), sum(shares.values()), shares))
    return rows


@settings(max_examples=60, deadline=None)
@given(bills())
def test_totals_are_what_each_paid_less_their_shares(
    rows: list[tuple[str, int, dict[str, int]]],
) -> None:
    found = tricount.read(_export(rows), ReadOptions())
    want: dict[str, int] = dict.fromkeys(MEMBERS, 0)
    for payer, amount, shares in rows:
        want[payer] += amount
        for member, share in shares.items():
            want[member] -= share
    assert found.totals == {(m, "EUR"): v for m, v in want.items() if v}
    ledger: dict[tuple[str, str], int] = {}
    for tx in found.transactions:
        for p in tx.postings:
            ledger[p.account, p.currency] = ledger.get((p.account, p.currency), 0) + p.minor
    assert {k: v for k, v in ledger.items() if v} == found.totals


@settings(max_examples=40, deadline=None)
@given(bills(), st.data())
def test_a_share_off_by_a_cent_is_refused_naming_its_row(
    rows: list[tuple[str, int, dict[str, int]]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(rows) - 1))
    payer, amount, shares = rows[index]
    rows[index] = (payer, amount, {**shares, "Cy": shares["Cy"] + 1})
    with pytest.raises(FormatError, match=rf"row {index + 2}, column 'Impacted to Ann': "):
        tricount.read(_export(rows), ReadOptions())
