"""The floor of a read command (issue 14): Python, sqlite3, json and click, reading the
rows `splitledger balances|history|settle G --json` prints and printing them as JSON.

No splitledger import, no schema check, no settle-up plan: what is left is what any
command-line reader of this ledger must pay. bench/start.py runs it as a whole process,
interleaved with the real commands, and judges them against it (goal: ≤ 2× its CPU).

    python bench/floor_read.py --db LEDGER.db balances G
    python bench/floor_read.py --db LEDGER.db history G --limit 50
    python bench/floor_read.py --db LEDGER.db settle G
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import click

_BALANCES = (
    "SELECT m.name, b.currency, b.amount, c.exponent FROM groups g "
    "JOIN balances b ON b.group_id = g.id JOIN members m ON m.id = b.member_id "
    "JOIN currencies c ON c.code = b.currency WHERE g.name = ? ORDER BY m.name, b.currency"
)
_PAGE = (
    "SELECT t.id, t.date, t.kind, t.description, t.category, t.note, t.idempotency_key, "
    "t.reverses_id, t.replaces_id FROM transactions t JOIN groups g ON g.id = t.group_id "
    "WHERE g.name = ? ORDER BY t.date DESC, t.id DESC LIMIT ?"
)
_POSTINGS = (
    "SELECT p.transaction_id, m.name, p.currency, p.amount, c.exponent FROM postings p "
    "JOIN members m ON m.id = p.member_id JOIN currencies c ON c.code = p.currency "
    "WHERE p.transaction_id IN ({}) ORDER BY p.id"
)
_REVERSED = "SELECT reverses_id, id FROM transactions WHERE reverses_id IN ({})"


def _text(minor: int, exponent: int) -> str:
    """Minor units as the decimal text the commands print (integers only, no float)."""
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{frac:0{exponent}d}" if exponent else f"{sign}{whole}"


def _amount(member: str, currency: str, minor: int, exponent: int) -> dict[str, Any]:
    return {
        "member": member,
        "currency": currency,
        "minor": minor,
        "amount": _text(minor, exponent),
    }


def _history(conn: sqlite3.Connection, group: str, limit: int) -> dict[str, Any]:
    page = conn.execute(_PAGE, (group, limit + 1)).fetchall()
    more = len(page) > limit
    page = page[:limit]
    ids = [row[0] for row in page]
    marks = ", ".join("?" * len(ids))
    postings: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    reversed_by: dict[int, int] = {}
    if ids:
        for tx, *amount in conn.execute(_POSTINGS.format(marks), ids):
            postings[tx].append(_amount(*amount))
        reversed_by = dict(conn.execute(_REVERSED.format(marks), ids).fetchall())
    rows = [
        {
            "id": i,
            "date": date,
            "kind": kind,
            "description": description,
            "category": category,
            "note": note,
            "key": key,
            "reverses": reverses,
            "replaces": replaces,
            "reversed_by": reversed_by.get(i),
            "postings": postings[i],
        }
        for i, date, kind, description, category, note, key, reverses, replaces in page
    ]
    return {
        "group": group,
        "transactions": rows,
        "more": more,
        "before": ids[-1] if more else None,
    }


@click.command()
@click.option("--db", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--limit", default=50, show_default=True)
@click.argument("what", type=click.Choice(["balances", "history", "settle"]))
@click.argument("group")
def main(db: str, limit: int, what: str, group: str) -> None:
    """Print WHAT of GROUP as JSON, read in one transaction."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    if what == "history":
        out = _history(conn, group, limit)
    else:  # settle's plan is computed from these balances
        out = {"group": group, "balances": [_amount(*r) for r in conn.execute(_BALANCES, (group,))]}
    conn.execute("COMMIT")
    conn.close()
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
