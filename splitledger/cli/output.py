"""How results are shown: stable JSON shapes for scripts, short lines for people.

JSON money: `minor` is the integer count of minor units and `amount` the same value as
a decimal string in major units without grouping ("-600.00").
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

from splitledger.domain import Transfer, format_amount
from splitledger.services.files import private_file
from splitledger.services.views import BalancesView, GroupView, PostingView, TxView


def emit_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def amount(minor: int, currency: str) -> str:
    return format_amount(minor, currency, grouping=False)


def signed(minor: int, currency: str) -> str:
    return ("+" if minor > 0 else "") + f"{amount(minor, currency)} {currency}"


def group_json(group: GroupView) -> dict[str, Any]:
    return {"name": group.name, "currency": group.currency, "members": list(group.members)}


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
    effects = ", ".join(f"{m} {signed(v, c)}" for (m, c), v in net.items() if v)
    category = f" [{tx.category}]" if tx.category else ""
    status = f" (reversed by #{tx.reversed_by})" if tx.reversed_by else ""
    return f"#{tx.id}  {tx.date}  {tx.kind:<8} {tx.description}{category}{status}: {effects}"


def table(rows: list[list[str]], *, right: frozenset[int] = frozenset()) -> str:
    """Rows aligned in columns (indices in `right` are right-aligned)."""
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


@contextmanager
def output_file(target: str) -> Iterator[TextIO]:
    """Write to `target` ("-" is stdout) all or nothing, owner-only (services.files)."""
    if target == "-":
        yield sys.stdout
        return
    with private_file(target) as stream:
        yield stream


def note(message: str) -> None:
    """A message for people (stderr), so that stdout stays the data."""
    click.echo(message, err=True)
