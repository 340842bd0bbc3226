"""OWASP CSV-injection neutralisation: no text cell can start a formula or carry a raw
control character, numbers stay numbers, and reading the file back gives every value
exactly (text as `visible` shows it)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import Transfer, visible
from splitledger.interop.csv_safe import FORMULA_STARTS, neutralise, write_csv
from splitledger.interop.tables import write_settle

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
dangerous = st.builds(lambda c, t: c + t, st.sampled_from(FORMULA_STARTS), texts)
numbers = st.one_of(
    st.integers(-(10**15), 10**15),
    st.builds(
        lambda minor, places: Decimal(minor).scaleb(-places),
        st.integers(-(10**15), 10**15),
        st.sampled_from([0, 2, 3]),
    ),
)


def _read(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data, newline="")))


@given(st.lists(st.tuples(st.one_of(texts, dangerous), numbers), max_size=20))
def test_round_trip_neutralises_text_and_keeps_numbers(rows: list[tuple[str, object]]) -> None:
    out = io.StringIO(newline="")
    assert write_csv(out, ["text", "number"], rows) == len(rows)  # type: ignore[arg-type]
    back = _read(out.getvalue())
    assert back[0] == ["text", "number"]
    assert len(back) == len(rows) + 1
    for (text, number), (text_cell, number_cell) in zip(rows, back[1:], strict=True):
        shown = visible(text)
        assert not text_cell.startswith(FORMULA_STARTS)
        assert not text_cell.lstrip(" ").startswith(FORMULA_STARTS)
        assert visible(text_cell) == text_cell  # nothing the policy refuses, raw
        assert text_cell in (shown, "'" + shown)
        assert (text_cell == "'" + shown) == (neutralise(shown) != shown)
        assert Decimal(number_cell) == number  # numbers read back exactly, as numbers
        assert "E" not in number_cell
        assert "'" not in number_cell


def test_examples() -> None:
    assert [neutralise(t) for t in ["=SUM(A1)", "+1", "-2", "@x", "\tx", "\rx", " =1", "a=b"]] == [
        "'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", "'\rx", "' =1", "a=b",
    ]  # fmt: skip
    out = io.StringIO(newline="")
    write_settle(out, [Transfer("=HYPERLINK(1)", "bob", "EUR", 150), Transfer("-a", "b", "JPY", 7)])
    assert out.getvalue() == (
        "from,to,amount,currency\r\n'=HYPERLINK(1),bob,1.50,EUR\r\n'-a,b,7,JPY\r\n"
    )


def test_control_characters_are_written_visible_never_raw() -> None:
    """Text stored before the input policy (ESC sequences, BEL, DEL, C1 CSI, bidi
    overrides) reaches a spreadsheet or a terminal `cat` only as visible stand-ins."""
    out = io.StringIO(newline="")
    write_csv(out, ["\x1bhead"], [["\x1b[31mred\x07"], ["\tx"], ["a\x7f\x9b\u202eb"]])
    assert out.getvalue() == "␛head\r\n␛[31mred␇\r\n␉x\r\na␡\ufffd\ufffdb\r\n"
    assert all(ch.isprintable() for ch in out.getvalue().replace("\r\n", ""))
