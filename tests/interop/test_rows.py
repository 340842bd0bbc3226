"""The row helpers every CSV reader shares (interop/cells.py, interop/peers.py): a row
is cut to the header's width only by dropping empty trailing cells, and the header is
the first row that is not blank."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.interop.cells import blank, row_cells
from splitledger.interop.errors import FormatError
from splitledger.interop.peers import csv_rows, header_row

cell = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=5)


@given(cells=st.lists(cell, min_size=1, max_size=6), extra=st.integers(0, 4))
def test_empty_trailing_cells_go_and_nothing_else_changes(cells: list[str], extra: int) -> None:
    row = [*cells, *([" "] * extra)]
    assert row_cells(row, len(cells), 7) == cells


@given(cells=st.lists(cell, min_size=1, max_size=6), width=st.integers(1, 8))
def test_a_row_of_another_width_is_refused_at_its_row(cells: list[str], width: int) -> None:
    trimmed = list(cells)
    while len(trimmed) > width and not trimmed[-1].strip():
        trimmed.pop()
    if len(trimmed) == width:
        assert row_cells(list(cells), width, 7) == trimmed
        return
    with pytest.raises(FormatError) as refused:
        row_cells(list(cells), width, 7)
    assert str(refused.value) == f"row 7: has {len(trimmed)} cells but the header has {width}"


def test_the_header_is_the_first_row_that_is_not_blank_and_the_rest_follow() -> None:
    rows = csv_rows(",,\n \nwho,what\nann,tea\n")
    assert header_row(rows) == ["who", "what"]
    assert list(rows) == [(4, ["ann", "tea"])]
    assert blank([" ", ""])
    assert not blank(["", "x"])


def test_a_file_of_blank_rows_is_empty() -> None:
    with pytest.raises(FormatError, match="the file is empty"):
        header_row(csv_rows(",,\n\n ,\n"))
