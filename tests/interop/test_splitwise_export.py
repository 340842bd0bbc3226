"""Our Splitwise-shaped CSV (`export --format splitwise`): the Splitwise reader reads it
back to the same per-member totals, whatever the history (property), and refuses nothing
it wrote; conversions, which the layout cannot hold, are refused at export."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import Posting
from splitledger.interop import splitwise
from splitledger.interop.errors import ExportError
from splitledger.interop.records import GroupRecord, TxRecord
from splitledger.interop.splitwise_export import write_splitwise

GROUP = GroupRecord("Flat", "EUR", ("ann", "Bob Smith", "zoë"))


def _tx(i: int, postings: list[tuple[str, str, int]], kind: str = "expense") -> TxRecord:
    return TxRecord(
        id=i,
        date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
        kind=kind,
        description=f"bill {i}",
        category="food" if kind == "expense" else "payment",
        key=f"k{i}",
        postings=tuple(Posting(m, c, v) for m, c, v in postings),
    )


def _export(txs: list[TxRecord], group: GroupRecord = GROUP) -> str:
    out = io.StringIO()
    write_splitwise(out, group, txs)
    return out.getvalue()


def _sums(txs: list[TxRecord]) -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for tx in txs:
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
    return {k: v for k, v in sums.items() if v}


def test_the_layout_is_splitwise_s_and_reads_back() -> None:
    txs = [
        _tx(1, [("ann", "EUR", 3000), ("ann", "EUR", -1000), ("Bob Smith", "EUR", -1000),
                ("zoë", "EUR", -1000)]),
        _tx(2, [("Bob Smith", "EUR", 500), ("ann", "EUR", -500)], kind="payment"),
        _tx(3, [("zoë", "JPY", 900), ("ann", "JPY", -900)]),
    ]  # fmt: skip
    text = _export(txs)
    assert text.splitlines() == [
        "Date,Description,Category,Cost,Currency,ann,Bob Smith,zoë",
        "",
        "2026-01-02,bill 1,food,30.00,EUR,20.00,-10.00,-10.00",
        "2026-01-03,bill 2,Payment,5.00,EUR,-5.00,5.00,0.00",
        "2026-01-04,bill 3,food,900,JPY,-900,0,900",
        "",
        "2026-01-04,Total balance, , ,EUR,15.00,-5.00,-10.00",
        "2026-01-04,Total balance, , ,JPY,-900,0,900",
    ]
    found = splitwise.parse(text.encode())
    assert [t.kind.value for t in found.transactions] == ["expense", "payment", "expense"]
    assert {k: v for k, v in found.totals.items() if v} == _sums(txs)


def test_a_removed_member_the_history_names_gets_a_column() -> None:
    txs = [_tx(1, [("ann", "EUR", 100), ("gone", "EUR", -100)])]
    text = _export(txs)
    assert text.splitlines()[0] == "Date,Description,Category,Cost,Currency,ann,Bob Smith,zoë,gone"
    assert splitwise.parse(text.encode()).totals["gone", "EUR"] == -100


def test_conversions_are_refused_naming_the_transaction() -> None:
    txs = [
        _tx(4, [("ann", "EUR", -100), ("exchange:EUR-USD", "EUR", 100),
                ("exchange:EUR-USD", "USD", -110), ("ann", "USD", 110)]),
    ]  # fmt: skip
    with pytest.raises(ExportError, match=r"transaction #4 \(2026-01-05\) converts"):
        _export(txs)


@pytest.mark.parametrize("kind", ["conversion", "reversal"])
def test_a_whole_conversion_with_no_exchange_posting_is_refused_too(kind: str) -> None:
    """Everyone's BDT converted whole (settle --in EUR) posts no exchange account; it
    was written as two bills, which came back from the file as spending."""
    txs = [
        _tx(1, [("ann", "BDT", 13050), ("bob", "BDT", -13050)]),
        _tx(2, [("ann", "BDT", -13050), ("ann", "EUR", 100),
                ("bob", "BDT", 13050), ("bob", "EUR", -100)], kind=kind),
    ]  # fmt: skip
    with pytest.raises(ExportError, match=r"transaction #2 \(2026-01-03\) converts"):
        _export(txs)


def test_formula_names_and_text_are_neutralised_and_read_back_so() -> None:
    group = GroupRecord("Flat", "EUR", ("=cmd", "ann"))
    tx = _tx(1, [("=cmd", "EUR", 100), ("ann", "EUR", -100)])
    tx = TxRecord(**{**{f: getattr(tx, f) for f in tx.__dataclass_fields__},
                     "description": "+SUM(A1)"})  # fmt: skip
    text = _export([tx], group)
    assert text.splitlines()[0].endswith(",'=cmd,ann")
    found = splitwise.parse(text.encode())
    assert found.members == ("'=cmd", "ann")
    assert found.transactions[0].description == "'+SUM(A1)"


def test_an_empty_group_is_a_header() -> None:
    text = _export([])
    found = splitwise.parse(text.encode())
    assert (found.transactions, found.totals) == ([], {})


NAMES = ["ann", "Bob Smith", "zoë", "李雷", "gone"]
CURRENCIES = ["EUR", "JPY", "BHD"]


@st.composite
def histories(draw: st.DrawFn) -> list[TxRecord]:
    """Balanced transactions: each currency's postings sum to zero, gross or net."""
    txs = []
    for i in range(draw(st.integers(0, 25))):
        currency = draw(st.sampled_from(CURRENCIES))
        payer = draw(st.sampled_from(NAMES))
        shares = draw(st.lists(st.tuples(st.sampled_from(NAMES), st.integers(1, 10**9)),
                               min_size=1, max_size=4))  # fmt: skip
        postings = [(payer, currency, sum(v for _, v in shares))]
        postings += [(m, currency, -v) for m, v in shares]
        kind = "payment" if len(shares) == 1 and draw(st.booleans()) else "expense"
        txs.append(_tx(i, postings, kind))
    return txs


@settings(max_examples=60)
@given(histories())
def test_any_history_reads_back_to_the_same_totals_and_the_same_keys(
    txs: list[TxRecord],
) -> None:
    text = _export(txs).encode()
    found = splitwise.parse(text)
    assert {k: v for k, v in found.totals.items() if v} == _sums(txs)
    got: dict[tuple[str, str], int] = defaultdict(int)
    for tx in found.transactions:
        for p in tx.postings:
            got[p.account, p.currency] += p.minor
    assert {k: v for k, v in got.items() if v} == _sums(txs)
    again = splitwise.parse(_export(txs).encode())
    assert [t.idempotency_key for t in again.transactions] == [
        t.idempotency_key for t in found.transactions
    ]
