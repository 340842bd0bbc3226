"""Where a Splitwise export's header is and what it says: the preamble lines skipped, the
language of the headings, the member columns under the input policy, and the member
`--unbalanced-to` names.

Friend exports (not a group's) start with a line such as `Note: does not include group
expenses` and a blank line before the header; some copies also carry the file's name on a
line of its own. Lines of one cell before the header are that preamble and are skipped
(at most `MAX_PREAMBLE` of them); blank and all-comma lines anywhere are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from splitledger.domain import DomainError, clean_text, fold_cell, name_key
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop.cells import blank, quote, refuse_lookalikes, text_cell
from splitledger.interop.errors import FormatError
from splitledger.interop.splitwise_languages import (
    ENGLISH,
    Language,
    closest,
    language_of,
)

#: Lines of one cell skipped before the header.
MAX_PREAMBLE = 3
#: Longest member name, in characters (the ledger's own limit).
MAX_NAME = 100
_ENGLISH_HEADER = ",".join(h[0] for h in ENGLISH.headings)


class Rows(Protocol):
    """A csv reader: rows of cells, and the line the last one ended on."""

    @property
    def line_num(self) -> int: ...

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


def find_header(reader: Rows) -> tuple[list[str], int]:
    """The header's cells and its line, the preamble and blank lines before it skipped.
    StopIteration: no header at all."""
    skipped = 0
    for cells in reader:
        if blank(cells):
            continue
        if language_of(cells) is None and sum(1 for c in cells if c.strip()) == 1:
            skipped += 1
            if skipped <= MAX_PREAMBLE:
                continue
        return cells, reader.line_num
    raise StopIteration


def _moved(exc: FormatError, row: int) -> FormatError:
    """`exc` (raised as if the header were row 1) at the header's real line."""
    if exc.row != 1 or row == 1:
        return exc
    where = f"row 1, column {exc.column!r}: " if exc.column is not None else "row 1: "
    return FormatError(str(exc).removeprefix(where), row=row, column=exc.column)


def _column(raw: str, index: int) -> str:
    """How a message names a member column: by its name when short enough to show."""
    return raw if 0 < len(raw) <= MAX_NAME else f"#{index}"


def _member_name(cell: str, column: str) -> str:
    """A member column's name under the input policy."""
    name = text_cell(cell, row=1, column=column, max_length=MAX_NAME, required=True)
    if name.lower().startswith(EXCHANGE_PREFIX):
        raise FormatError(
            f"names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts",
            row=1,
            column=column,
        )
    return name


def members(header: list[str], row: int) -> tuple[tuple[str, ...], Language]:
    """The member columns' names under the policy, and the headings' language; errors
    name the header's line `row`."""
    try:
        return _members(header)
    except FormatError as exc:
        raise _moved(exc, row) from None


def refuse_alike(names: tuple[str, ...], row: int) -> None:
    """Member columns whose names read the same, named at the header's line."""
    try:
        refuse_lookalikes(names, names)
    except FormatError as exc:
        raise _moved(exc, row) from None


def _members(header: list[str]) -> tuple[tuple[str, ...], Language]:
    """Names that read the same are refused by `refuse_alike` once the rows are read; a
    name the policy refuses is checked against the others at once, so that `ann` and
    `ann` + a zero-width space are named together rather than the second alone."""
    width = len(ENGLISH.headings)
    lang = language_of(header)
    if lang is None:
        near, index = closest(header)
        found = header[index].strip() if index < len(header) else ""
        raise FormatError(
            f"expected {near.headings[index][0]!r} here, found {quote(found)}: a Splitwise "
            f"export starts with {_ENGLISH_HEADER} (or the same in its language) and then "
            "one column per member",
            row=1,
            column=_column(found, index + 1),
        )
    cells = header[width:]
    while cells and not cells[-1].strip():
        cells.pop()
    if not cells:
        raise FormatError(f"no member columns after {header[width - 1].strip()!r}", row=1)
    columns = [_column(c.strip(), i) for i, c in enumerate(cells, start=width + 1)]
    seen: set[str] = set()
    for column, cell in zip(columns, cells, strict=True):
        if not cell.strip():
            raise FormatError("a member column has no name", row=1, column=column)
        if cell.strip() in seen:
            raise FormatError("this member's column appears twice", row=1, column=column)
        seen.add(cell.strip())
    names: list[str] = []
    for index, (column, cell) in enumerate(zip(columns, cells, strict=True)):
        try:
            names.append(_member_name(cell, column))
        except FormatError:
            refuse_lookalikes(cells, columns, but=index)
            raise
    return tuple(names), lang


def unbalanced_member(name: str, columns: tuple[str, ...]) -> str:
    """The `--unbalanced-to` name under the input policy: not an exchange account and not
    one that reads like a member column (whose footer total could then not agree)."""
    flag = "--unbalanced-to"
    try:
        cleaned = clean_text(fold_cell(name), field=flag, max_length=MAX_NAME, required=True)
    except DomainError as exc:
        raise FormatError(str(exc)) from None
    if cleaned.lower().startswith(EXCHANGE_PREFIX):
        raise FormatError(
            f"{flag}: names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts"
        )
    key = name_key(cleaned)
    for column in columns:
        if name_key(column) == key:
            raise FormatError(
                f"{flag}: {cleaned!r} reads the same as the file's column {column!r}; give a "
                "name for the members who left, one the file has no column for"
            )
    return cleaned
