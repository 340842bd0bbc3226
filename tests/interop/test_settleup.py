"""The Settle Up reader: parallel `;` lists of payers and shares, exact to the cent,
posted gross as typed bills are (so reports count all of them), the same rows from UTF-8
and from UTF-16 with tabs, and errors naming the row and column."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import Exact, TxKind, build_expense
from splitledger.interop import formats, settleup
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ReadOptions
from tests.interop.imported_ledger import Bill, check_exact_bills

SAMPLE = (Path(__file__).parent / "samples" / "settleup" / "flat.csv").read_bytes()
HEADER = (
    "Who paid,Amount,Currency,For whom,Split amounts,Purpose,Category,Date & time,"
    "Exchange rate,Converted amount,Type,Receipt"
)
NAMES = ["Ann", "Bob", "Cy", "Dee"]


def test_sample_reads_several_payers_and_transfers() -> None:
    found = settleup.read(SAMPLE, ReadOptions())
    assert (found.members, found.currency, found.totals_from) == (
        ("Alice", "Bob", "Chloé"),
        "EUR",
        "rows",
    )
    pizza = next(t for t in found.transactions if t.description == "Pizza")
    assert [(p.account, p.minor) for p in pizza.postings] == [
        ("Alice", 1000),
        ("Bob", 2000),
        ("Alice", -1000),
        ("Bob", -1000),
        ("Chloé", -1000),
    ]
    transfer = next(t for t in found.transactions if t.kind is TxKind.PAYMENT)
    assert transfer.description == "Bob paid Alice"
    assert formats.detect(SAMPLE.decode()) == "settleup"


def test_a_bill_is_posted_as_typed_with_each_payer_and_each_share() -> None:
    """Gross, as `build_expense` posts a typed bill, since reports read an expense's
    positive postings as paid and its negative ones as consumed: posted net, the 30.00
    pizza Alice and Bob paid 10.00 and 20.00 for three reported 10.00, Alice not at all,
    and Alice's 90.00 groceries for three, 60.00."""
    found = settleup.read(SAMPLE, ReadOptions())
    by_title = {t.description: t for t in found.transactions}
    everyone = ("Alice", "Bob", "Chloé")
    for title, payers, day, category in (
        ("Pizza", {"Alice": 1000, "Bob": 2000}, 2, "🍕"),
        ("Groceries", {"Alice": 9000}, 1, "🛒"),
    ):
        total = sum(payers.values())
        tx = by_title[title]
        assert tx == build_expense(
            total=total,
            currency="EUR",
            payers=payers,
            split=Exact(dict.fromkeys(everyone, total // 3)),
            date=dt.date(2024, 4, day),
            description=title,
            idempotency_key=tx.idempotency_key,
            category=category,
        )


def _utf16(text: str, bom: bytes = codecs.BOM_UTF16_LE, codec: str = "utf-16-le") -> bytes:
    return bom + text.replace(",", "\t").encode(codec)


@pytest.mark.parametrize("big_endian", [False, True])
def test_utf16_with_tabs_reads_the_same_rows(big_endian: bool) -> None:
    text = SAMPLE.decode()
    data = _utf16(text, codecs.BOM_UTF16_BE, "utf-16-be") if big_endian else _utf16(text)
    assert settleup.read(data, ReadOptions()) == settleup.read(SAMPLE, ReadOptions())
    assert formats.detect(data[2:].decode("utf-16-be" if big_endian else "utf-16-le")) == (
        "settleup"
    )


@st.composite
def rows(draw: st.DrawFn) -> list[tuple[dict[str, int], dict[str, int]]]:
    result = []
    for _ in range(draw(st.integers(1, 8))):
        payers = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
        members = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
        shares = {m: draw(st.integers(0, 10**6)) for m in members}
        total = sum(shares.values())
        cut = draw(st.integers(0, total))
        paid = {payers[0]: cut} | dict.fromkeys(payers[1:], 0)
        paid[payers[-1]] += total - cut
        result.append((paid, shares))
    return result


def _money(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def _export(bills: list[tuple[dict[str, int], dict[str, int]]]) -> str:
    lines = [HEADER]
    for i, (paid, shares) in enumerate(bills):
        lines.append(
            ",".join(
                [
                    ";".join(paid),
                    ";".join(_money(v) for v in paid.values()),
                    "EUR",
                    ";".join(shares),
                    ";".join(_money(v) for v in shares.values()),
                    f"Bill {i % 2}",
                    "",
                    "2024-06-01 12:00:00",
                    "1",
                    _money(sum(paid.values())),
                    "expense",
                    "",
                ]
            )
        )
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(rows())
def test_totals_are_paid_less_shares_in_either_encoding(
    bills: list[tuple[dict[str, int], dict[str, int]]],
) -> None:
    text = _export(bills)
    found = settleup.read(text.encode(), ReadOptions())
    want: dict[str, int] = {}
    for paid, shares in bills:
        for m, v in paid.items():
            want[m] = want.get(m, 0) + v
        for m, v in shares.items():
            want[m] = want.get(m, 0) - v
    assert found.totals == {(m, "EUR"): v for m, v in want.items() if v}
    assert settleup.read(_utf16(text), ReadOptions()) == found
    keys = [t.idempotency_key for t in found.transactions]
    assert len(set(keys)) == len(keys)


def test_unknown_headings_and_a_missing_column() -> None:
    with pytest.raises(FormatError, match=r"row 1: no 'Split amounts' column"):
        settleup.read(SAMPLE.replace(b"Split amounts", b"Shares"), ReadOptions())
    extra = SAMPLE.decode().replace(",Receipt", ",Receipt,Note").replace(",\n", ",,\n")
    assert (
        settleup.read(extra.encode(), ReadOptions()).totals
        == settleup.read(SAMPLE, ReadOptions()).totals
    )


@settings(max_examples=25)
@given(bills=rows())
def test_a_ledger_reports_every_bill_in_full_and_balances_as_posted_net(
    bills: list[Bill], sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Generated Settle Up rows, one to three payers each and each row's members in its
    own order, imported as `check_exact_bills` says."""

    def nonzero(values: dict[str, int]) -> dict[str, int]:
        return {m: v for m, v in values.items() if v}

    check_exact_bills(
        sqlite_template, tmp_path_factory, "settleup", _export(bills).encode(), bills, nonzero
    )
