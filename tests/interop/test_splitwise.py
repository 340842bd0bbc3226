"""The Splitwise reader: rows to balanced transactions with stable keys, and a clear
error naming the row and column for every malformed file."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import splitwise
from splitledger.interop.errors import FormatError
from tests.interop.splitwise_samples import HEADER, ROWS, TOTAL, export


def test_rows_become_balanced_transactions_with_totals() -> None:
    found = splitwise.parse(export())
    assert found.members == ("Ann Lee", "Bob", "Cy")
    txs = found.transactions
    assert [t.description for t in txs] == [
        "Groceries", "Pizza, large", "Bob paid Ann Lee", "Coffee", "Coffee",
    ]  # fmt: skip
    assert found.no_effect == 1  # "Own lunch" changes no balance
    assert [t.kind for t in txs] == [TxKind.EXPENSE] * 2 + [TxKind.PAYMENT] + [TxKind.EXPENSE] * 2
    assert [(p.account, p.minor) for p in txs[0].postings] == [
        ("Ann Lee", 2000), ("Bob", -1000), ("Cy", -1000),
    ]  # fmt: skip
    assert txs[2].category == "payment"
    assert str(txs[0].date) == "2026-03-01"
    assert found.totals == {("Ann Lee", "EUR"): 650, ("Bob", "EUR"): 600, ("Cy", "EUR"): -1250}
    assert found.main_currency() == "EUR"


def test_keys_are_stable_unique_and_survive_rows_added_before() -> None:
    first = [t.idempotency_key for t in splitwise.parse(export()).transactions]
    assert len(set(first)) == len(first)  # the two identical coffees stay two
    assert first == [t.idempotency_key for t in splitwise.parse(export()).transactions]
    earlier = "2026-02-01,Taxi,Taxi,9.00,EUR,6.00,-3.00,-3.00\n"
    total = "2026-03-06,Total balance, , ,EUR,12.50,3.00,-15.50\n"
    later = splitwise.parse(export([earlier, *ROWS], total)).transactions
    assert [t.idempotency_key for t in later][1:] == first


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + export(),
        export(newline="\r\n"),
        codecs.BOM_UTF8 + export(newline="\r\n"),
        export().decode().encode("utf-16"),
    ],
    ids=["bom", "crlf", "bom+crlf", "utf-16"],
)
def test_bom_crlf_and_utf16_read_the_same(data: bytes) -> None:
    assert splitwise.parse(data) == splitwise.parse(export())


BAD = [
    (b"", None, None, "empty"),
    (b"\n\n  \n", None, None, "empty"),
    (export().replace(b"Cost", b"Amount", 1), 1, "Amount", "expected 'Cost'"),
    (b"Date,Description,Category,Cost,Currency\n", 1, None, "no member columns"),
    (export().replace(b",Cy\n", b",Bob\n", 1), 1, "Bob", "appears twice"),
    (export().replace(b"2026-03-01", b"01/03/2026", 1), 3, "Date", "not a date"),
    (export().replace(b"20.00,-10.00", b"2O.00,-10.00", 1), 3, "Ann Lee", "not a number"),
    (export().replace(b"20.00,-10.00", b"20.001,-10.00", 1), 3, "Ann Lee", "more decimals"),
    (export().replace(b"20.00,-10.00", b"21.00,-10.00", 1), 3, None, "does not balance"),
    (export().replace(b"30.00,EUR", b"3.00,EUR", 1), 3, "Cost", "more than the cost"),
    (export().replace(b"30.00,EUR", b"30.00,EUX", 1), 3, "Currency", "currency"),
    (export().replace(b"Groceries,", b"G" * 600 + b",", 1), 3, "Description", "longer than 500"),
    (export().replace(b"20.00,-10.00,-10.00", b"1e3,-10.00,-10.00", 1), 3, "Ann Lee", "number"),
    (export().replace(b",-10.00,-10.00\n", b",-10.00\n", 1), 3, None, "has 7 cells"),
    (export(total=""), None, None, "no 'Total balance' line for EUR"),
    (export(total=TOTAL.replace("6.50", "6.49")), 10, "Ann Lee", "rows above add up to 6.50"),
    (export() + b"2026-04-01,Late,General,1.00,EUR,1.00,-1.00,0.00\n", 11, None, "after the"),
    (export().replace(b"Groceries,Groceries", b"Groc\xe9ries,Groceries", 1), 3, None, "UTF-8"),
    (export().replace(b'"Pizza, large"', b'"Pizza, large', 1), None, None, "not valid CSV"),
]


@pytest.mark.parametrize(
    ("data", "row", "column", "message"), BAD, ids=[b[3] + str(i) for i, b in enumerate(BAD)]
)
def test_malformed_files_name_the_row_and_column(
    data: bytes, row: int | None, column: str | None, message: str
) -> None:
    with pytest.raises(FormatError) as caught:
        splitwise.parse(data)
    err = caught.value
    assert message in str(err)
    if row is not None:
        assert err.row == row
        assert str(err).startswith(f"row {row}")
    if column is not None:
        assert err.column == column
        assert repr(column) in str(err)


def test_too_many_rows_is_refused() -> None:
    rows = ["2026-03-01,Tea,General,2.00,EUR,1.00,-1.00,0.00\n"] * 3
    with pytest.raises(FormatError, match="more than 2 transactions"):
        splitwise.parse(export(rows, "x,Total balance,,,EUR,3.00,-3.00,0.00\n"), max_rows=2)


def test_progress_is_reported_per_thousand_rows() -> None:
    rows = [f"2026-03-01,Tea {i},General,2.00,EUR,1.00,-1.00,0.00\n" for i in range(2500)]
    seen: list[int] = []
    splitwise.parse(export(rows, "x,Total balance,,,EUR,2500.00,-2500.00,0.00\n"),
                    progress=seen.append)  # fmt: skip
    assert seen == [1000, 2000]


def test_header_only_file_has_no_transactions() -> None:
    found = splitwise.parse(HEADER.encode())
    assert (found.transactions, found.totals, found.main_currency()) == ([], {}, None)


@given(st.text(alphabet=st.sampled_from(["a", ",", '"', "\r", "\n", "\u2028", "é"]), max_size=40))
def test_lines_split_exactly_like_stringio_with_newline_off(text: str) -> None:
    import io

    from splitledger.interop.splitwise import _lines

    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


def test_old_mac_line_endings_are_read() -> None:
    from splitledger.interop.splitwise import parse

    found = parse(export(newline="\r"))
    assert found.main_currency() == "EUR"
    assert len(found.transactions) == 5


@given(
    st.one_of(
        st.from_regex(r"\A[+-]?[0-9]{1,17}(\.[0-9]{0,5})?\Z"),
        st.from_regex(r"\A\s*[+-]?\.[0-9]{1,4}\s*\Z"),
        st.text(alphabet="0123456789.-+ e", max_size=12),
    ),
    st.sampled_from(["EUR", "JPY", "BHD"]),
)
def test_number_fast_path_agrees_with_the_decimal_reading(text: str, currency: str) -> None:
    """Amount cells are read in integers when they have the plain shape; the result (or
    the error) must be exactly what the Decimal reading gives."""
    from decimal import Decimal

    from splitledger.domain import DomainError, from_decimal

    def by_decimal() -> int | str:
        cleaned = text.strip()
        if not cleaned:
            return 0
        if not splitwise._NUMBER.fullmatch(cleaned):
            return "error"
        try:
            return from_decimal(Decimal(cleaned), currency, field="Cost")
        except DomainError:
            return "error"

    try:
        got: int | str = splitwise._number(text, currency, 2, "Cost")
    except FormatError:
        got = "error"
    assert got == by_decimal()
