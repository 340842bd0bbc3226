"""The Splitwise reader: rows to balanced transactions with stable keys, and a clear
error naming the row and column for every malformed file."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import cells, splitwise
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
    (export().replace(b"Groceries,", b"G" * 600 + b",", 1), 3, "Description", "at most 500"),
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
            return "error"  # a blank amount cell is refused, never read as 0
        if not cells._NUMBER.fullmatch(cleaned):
            return "error"
        try:
            return from_decimal(Decimal(cleaned), currency, field="Cost")
        except DomainError:
            return "error"

    try:
        got: int | str = cells.amount_cell(text, currency, 2, "Cost")
    except FormatError:
        got = "error"
    assert got == by_decimal()


# -- the input policy at the edge (issue 12) ---------------------------------------------


def _with(description: bytes = b"Groceries", category: bytes = b"Groceries") -> bytes:
    """The sample with its first row's Description and Category cells replaced."""
    return export().replace(b"Groceries,Groceries", description + b"," + category, 1)


def _members_header(*names: str) -> bytes:
    """The sample with its member columns renamed (Ann Lee, Bob, Cy, in that order)."""
    quoted = ",".join('"' + n.replace('"', '""') + '"' for n in names)
    return export().replace(b"Ann Lee,Bob,Cy", quoted.encode(), 1)


def test_first_rows_keys_are_those_earlier_versions_gave() -> None:
    """Keys must not move with the new cleaning, or re-importing a later export would
    record every row again."""
    keys = [t.idempotency_key for t in splitwise.parse(export()).transactions]
    assert keys[:3] == [
        "splitwise:9dafc37d9f5c40bcd8fc95b7c3cd8c286288d5c3",
        "splitwise:f4e720191455a8c6741a8c101b64f5efd48e38ae",
        "splitwise:6c8d78a9aa30df658815a97b9f7472e1f5818f0d",
    ]
    spaced = _with("Café  au\u00a0lait".encode(), b"Food  &  drink")
    (first, *_) = splitwise.parse(spaced).transactions
    assert first.idempotency_key == "splitwise:c633ac71b78a3bf3fe4cd0e8c775fefa0b8945de"
    assert (first.description, first.category) == ("Café au lait", "Food & drink")


ACCEPTED = [
    (_with(b"[bold]x[/]", b"[red]"), "[bold]x[/]", "[red]"),
    (_with(b'"Gro\tcer\r\nies"', b'"a\n\nb"'), "Gro cer ies", "a b"),
    (_with(b"  padded  ", b""), "padded", ""),
    (_with(b"", b""), "(no description)", ""),
    (_with("e\u0301clair".encode()), "\u00e9clair", "Groceries"),  # NFC
    (_with("👩\u200d💻 laptop".encode()), "👩\u200d💻 laptop", "Groceries"),  # emoji ZWJ
    (_with(b"D" * 500, b"C" * 100), "D" * 500, "C" * 100),
]


@pytest.mark.parametrize(
    ("data", "description", "category"),
    ACCEPTED,
    ids=["markup", "folded", "padded", "blank", "nfc", "emoji-zwj", "at-the-limits"],
)
def test_text_cells_are_folded_and_kept_as_the_policy_says(
    data: bytes, description: str, category: str
) -> None:
    tx = splitwise.parse(data).transactions[0]
    assert (tx.description, tx.category) == (description, category)


HOSTILE = [
    (_with(b"Gro\x1b[31mceries"), 3, "Description", "U+001B (ESCAPE) at position 4"),
    (_with(b"x\x07"), 3, "Description", "control character U+0007"),
    (_with("a\u202eb".encode()), 3, "Description", "text-direction control character U+202E"),
    (_with("a\u200bb".encode()), 3, "Description", "invisible character U+200B"),
    (_with("\u0085x\x9b".encode()), 3, "Description", "U+009B"),
    (_with(category=b"fo\x1bod"), 3, "Category", "U+001B (ESCAPE) at position 3"),
    (_with(b"D" * 501), 3, "Description", "is 501 characters long; at most 500"),
    (_with(category=b"C" * 101), 3, "Category", "is 101 characters long; at most 100"),
    (_members_header("Ann Lee", "Bob", "C\x1by"), 1, "C\x1by", "U+001B (ESCAPE) at position 2"),
    (_members_header("Ann Lee", "Bob", "N" * 101), 1, "#8", "at most 100"),
    (_members_header("Ann Lee", "Bob", "exchange:EUR-USD"), 1, "exchange:EUR-USD", "reserved"),
    (_members_header("ann", "Bob", "Ann"), 1, "Ann", "reads the same as the column 'ann'"),
    (_members_header("ann", "Bob", "\u0430nn"), 1, "\u0430nn", "as the column 'ann'"),
    (_members_header("ann", "ann\u200b", "Cy"), 1, "ann\u200b", "as the column 'ann'"),
    (_members_header("ann\u200b", "Bob", "ann"), 1, "ann", "as the column 'ann\\u200b'"),
    (_members_header("Ann Lee", " ", "Cy"), 1, "#7", "has no name"),
    (export().replace(b"2026-03-01", b"1969-12-31", 1), 3, "Date", "outside the supported"),
    (export().replace(b"2026-03-01", b"2100-01-01", 1), 3, "Date", "2100-01-01 is outside"),
    (export().replace(b"2026-03-01", b"9999-12-31", 1), 3, "Date", "1970-01-01 to 2099-12-31"),
    (export().replace(b"2026-03-01", b"0001-01-01", 1), 3, "Date", "outside"),
    (export().replace(b"30.00,EUR", b",EUR", 1), 3, "Cost", "is empty"),
    (export().replace(b"30.00,EUR", b" \t ,EUR", 1), 3, "Cost", "is empty"),
    (export().replace(b"12.00,EUR", b",EUR", 1), 8, "Cost", "is empty"),  # a no-effect row
    (export().replace(b"EUR,0.00,-3.00", b"EUR,,-3.00", 1), 6, "Ann Lee", "is empty"),
    (export().replace(b"EUR,6.50,", b"EUR, ,", 1), 10, "Ann Lee", "is empty"),  # the footer
    (export().replace(b"20.00,", b"1" * 60 + b",", 1), 3, "Ann Lee", "too long for an amount"),
]


@pytest.mark.parametrize(
    ("data", "row", "column", "message"), HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))]
)
def test_hostile_cells_are_refused_naming_row_and_column(
    data: bytes, row: int, column: str, message: str
) -> None:
    with pytest.raises(FormatError) as caught:
        splitwise.parse(data)
    err = caught.value
    assert (err.row, err.column) == (row, column)
    assert str(err).startswith(f"row {row}, column {column!r}: ")
    assert message in str(err)
    assert str(err).isprintable()  # what it quotes is escaped, never raw


@pytest.mark.parametrize("day", ["1970-01-01", "2099-12-31"])
def test_dates_at_the_bounds_are_read(day: str) -> None:
    found = splitwise.parse(export().replace(b"2026-03-01", day.encode(), 1))
    assert str(found.transactions[0].date) == day


def test_blank_cells_are_never_read_as_zero() -> None:
    """A blank Cost used to read as 0: the row was dropped as "changes no balance", or
    the message ended in an empty value ("more than the cost ")."""
    with pytest.raises(FormatError) as caught:
        splitwise.parse(export().replace(b"30.00,EUR", b" ,EUR", 1))
    assert str(caught.value) == "row 3, column 'Cost': is empty"


def test_current_balance_footer_of_older_exports_reconciles() -> None:
    old = export().replace(b"Total balance", b"Current balance")
    assert splitwise.parse(old) == splitwise.parse(export())
    wrong = export(total=TOTAL.replace("Total", "Current").replace("6.50", "6.40"))
    with pytest.raises(FormatError, match=r"^row 10, column 'Ann Lee': the total is 6\.40 EUR"):
        splitwise.parse(wrong)
    late = old + b"2026-04-01,Late,General,1.00,EUR,1.00,-1.00,0.00\n"
    with pytest.raises(FormatError, match="after the 'Current balance' line"):
        splitwise.parse(late)


def test_an_unknown_footer_label_is_named() -> None:
    with pytest.raises(FormatError) as caught:
        splitwise.parse(export().replace(b"Total balance", b"Closing balance"))
    message = str(caught.value)
    assert message.startswith("row 10, column 'Cost': is empty")
    assert "'Closing balance' is not a label Splitwise uses" in message


def test_amounts_are_messages_in_major_units_with_the_currency() -> None:
    with pytest.raises(FormatError) as caught:
        splitwise.parse(export().replace(b"30.00,EUR", b"3.00,EUR", 1))
    assert str(caught.value) == (
        "row 3, column 'Cost': members are owed 20.00 EUR in all, more than the cost of 3.00 EUR"
    )


def test_a_file_that_moves_more_than_a_ledger_holds_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(splitwise, "MAX_FILE_TOTAL", 3000)  # 30.00 EUR
    rows = ["2026-03-01,Tea,General,20.00,EUR,20.00,-20.00,0.00\n"] * 2
    with pytest.raises(FormatError, match=r"^row 4: the rows up to here move more than 30\.00"):
        splitwise.parse(export(rows, "x,Total balance,,,EUR,40.00,-40.00,0.00\n"))


_CELL = st.text(
    alphabet=st.sampled_from(
        ["a", "Z", " ", "\t", "\n", "\r", "\x1b", "\x07", "\x85", "\u00a0", "\u200b",
         "\u200d", "\u202e", "e", "\u0301", "é", "👩", "💻", "[", "/", "\U000f0000"]
    ),
    max_size=12,
)  # fmt: skip


@given(_CELL, st.integers(min_value=0, max_value=8), st.booleans())
def test_cell_fast_path_agrees_with_the_policy(cell: str, limit: int, required: bool) -> None:
    """`_text` answers printable NFC cells itself; it must say exactly what
    clean_text(fold_cell(cell)) says, result or message."""
    from splitledger.domain import DomainError, clean_text, fold_cell

    try:
        want: str = clean_text(fold_cell(cell), field="X", max_length=limit, required=required)
    except DomainError as exc:
        want = "error: " + str(exc).removeprefix("X: ")
    try:
        got = cells.text_cell(cell, row=2, column="X", max_length=limit, required=required)
    except FormatError as exc:
        got = "error: " + str(exc).removeprefix("row 2, column 'X': ")
    assert got == want
