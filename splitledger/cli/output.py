"""How results are shown: stable JSON shapes for scripts, short lines for people.

JSON money: `minor` is the integer count of minor units and `amount` the same value as
a decimal string in major units without grouping ("-600.00").

Nothing a user typed (or a ledger from before the input policy holds) reaches the
terminal raw: text lines go through `echo`, which shows each line through
`domain.visible`, and user values that are put inside a line are shown through it first,
so that a stored line break cannot fake a line of output either. JSON keeps
the data exact: every character that is not printable is written as a `\\uXXXX`
escape, which JSON readers turn back into the same character.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO, cast

import click

from splitledger.domain import format_amount, visible

if TYPE_CHECKING:  # for the types alone: views imports the input models (pydantic)
    from splitledger.domain import Transfer
    from splitledger.services.views import BalancesView, GroupView, PostingView, TxView

#: Characters `json.dumps(ensure_ascii=False)` leaves as they are: everything but C0.
_RAW_IN_JSON = re.compile(r"[^\x00-\x7e]")


def echo(text: str = "", *, err: bool = False) -> None:
    """Print lines for people: each line shown through `domain.visible`."""
    if not text.isprintable():
        text = "\n".join(visible(line) for line in text.split("\n"))
    click.echo(text, err=err)


def _escape_unprintable(found: re.Match[str]) -> str:
    ch = found.group()
    return ch if ch.isprintable() else json.dumps(ch)[1:-1]


def json_text(data: object) -> str:
    """`data` as indented JSON, non-ASCII text as is except what is not printable (C1
    controls, DEL, bidi, invisible and separator characters): those as `\\u` escapes."""
    return _RAW_IN_JSON.sub(_escape_unprintable, json.dumps(data, ensure_ascii=False, indent=2))


def emit_json(data: object) -> None:
    click.echo(json_text(data))


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`1 transfer`, `2 transfers`, `0 transfers`."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def amount(minor: int, currency: str) -> str:
    return format_amount(minor, currency, grouping=False)


def signed(minor: int, currency: str) -> str:
    return ("+" if minor > 0 else "") + f"{amount(minor, currency)} {currency}"


def group_json(group: GroupView) -> dict[str, Any]:
    closed = group.closed_through
    return {
        "name": group.name,
        "currency": group.currency,
        "members": list(group.members),
        "archived": group.archived,
        "closed_through": None if closed is None else closed.isoformat(),
    }


def posting_json(p: PostingView) -> dict[str, Any]:
    return {
        "member": p.member,
        "currency": p.currency,
        "minor": p.minor,
        "amount": amount(p.minor, p.currency),
    }


def tx_json(tx: TxView) -> dict[str, Any]:
    return {
        "id": tx.id,
        "date": tx.date.isoformat(),
        "kind": tx.kind,
        "description": tx.description,
        "category": tx.category,
        "note": tx.note,
        "key": tx.idempotency_key,
        "reverses": tx.reverses_id,
        "replaces": tx.replaces_id,
        "reversed_by": tx.reversed_by,
        "postings": [posting_json(p) for p in tx.postings],
    }


def balances_json(view: BalancesView) -> dict[str, Any]:
    return {
        "group": view.group,
        "balances": [
            {
                "member": b.member,
                "currency": b.currency,
                "minor": b.minor,
                "amount": amount(b.minor, b.currency),
            }
            for b in view.balances
        ],
    }


def transfer_json(t: Transfer) -> dict[str, Any]:
    return {
        "from": t.payer,
        "to": t.payee,
        "currency": t.currency,
        "minor": t.minor,
        "amount": amount(t.minor, t.currency),
    }


def tx_line(tx: TxView) -> str:
    """One line per transaction: id, date, kind, description, category, net effects."""
    net: dict[tuple[str, str], int] = {}
    for p in tx.postings:
        net[p.member, p.currency] = net.get((p.member, p.currency), 0) + p.minor
    effects = ", ".join(f"{visible(m)} {signed(v, c)}" for (m, c), v in net.items() if v)
    category = f" [{visible(tx.category)}]" if tx.category else ""
    status = f" (reversed by #{tx.reversed_by})" if tx.reversed_by else ""
    what = visible(tx.description)
    return f"#{tx.id}  {tx.date}  {tx.kind:<8} {what}{category}{status}: {effects}"


def table(rows: list[list[str]], *, right: frozenset[int] = frozenset()) -> str:
    """Rows aligned in columns (indices in `right` are right-aligned); each cell is
    shown through `domain.visible`."""
    if not rows:
        return ""
    rows = [[visible(cell) for cell in row] for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


class _ShownOnTerminal:
    """What is written to a terminal, each line shown through `domain.visible` (line
    ends kept): a file or a pipe gets the exact data, a person never raw control text."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._cr = ""  # a "\r" that ended a write: the next one may start with its "\n"

    def write(self, text: str) -> int:
        size = len(text)
        text, self._cr = self._cr + text, ""
        if text.endswith("\r"):
            text, self._cr = text[:-1], "\r"
        if not text.isprintable():
            text = "".join(
                part if part in ("\r\n", "\n") else visible(part) for part in _LINE_END.split(text)
            )
        self._stream.write(text)
        return size

    def flush(self) -> None:
        if self._cr:
            self._stream.write(visible(self._cr))
            self._cr = ""
        self._stream.flush()


_LINE_END = re.compile(r"(\r\n|\n)")


@contextmanager
def output_file(target: str) -> Iterator[TextIO]:
    """Write to `target` ("-" is stdout) all or nothing, owner-only (services.files)."""
    if target == "-":
        if not sys.stdout.isatty():
            yield sys.stdout
            return
        shown = _ShownOnTerminal(sys.stdout)
        try:
            yield cast(TextIO, shown)  # the writers call write (and flush) only
        finally:
            shown.flush()
        return
    from splitledger.services.files import private_file  # only when writing a file

    with private_file(target) as stream:
        yield stream


def note(message: str) -> None:
    """A message for people (stderr), so that stdout stays the data."""
    echo(message, err=True)
