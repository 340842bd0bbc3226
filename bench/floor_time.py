"""The floor of `balances G --as-of D --json` and `report G --json` (issue 16): Python,
sqlite3, json and click running the same SQL over the maintained daily totals as the
commands, in one transaction, and printing the same rows as JSON.

No splitledger import, no schema check, no member names checked, no reconciliation
arithmetic beyond the sums: what any command-line reader of these tables must pay.
bench/time_ledger.py runs it as a whole process, interleaved with the real commands.

    python bench/floor_time.py --db LEDGER.db as-of G 2026-10-31
    python bench/floor_time.py --db LEDGER.db report G
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import click

_GROUP = "SELECT id FROM groups WHERE name = ?"
_EXPONENTS = "SELECT code, exponent FROM currencies"
_SPAN = (
    "SELECT (SELECT MIN(day) FROM balance_days WHERE group_id = ?), "
    "(SELECT MAX(day) FROM balance_days WHERE group_id = ?)"
)
_UP_TO = (
    "SELECT m.name, s.currency, s.amount FROM (SELECT member_id, currency, SUM(amount) "
    "AS amount FROM balance_days WHERE group_id = ? AND day <= ? GROUP BY member_id, "
    "currency) s JOIN members m ON m.id = s.member_id ORDER BY m.name, s.currency"
)
_FROM_NOW = (
    "SELECT m.name, b.currency, b.amount - COALESCE(s.amount, 0) FROM balances b "
    "JOIN members m ON m.id = b.member_id LEFT JOIN (SELECT member_id, currency, "
    "SUM(amount) AS amount FROM balance_days WHERE group_id = ? AND day > ? "
    "GROUP BY member_id, currency) s ON s.member_id = b.member_id "
    "AND s.currency = b.currency WHERE b.group_id = ? ORDER BY m.name, b.currency"
)
_NOW = (
    "SELECT m.name, b.currency, b.amount FROM balances b JOIN members m "
    "ON m.id = b.member_id WHERE b.group_id = ? ORDER BY m.name, b.currency"
)
_BY_CATEGORY = (
    "SELECT s.category, m.name, s.currency, s.paid, s.consumed FROM (SELECT category, "
    "member_id, currency, SUM(paid) AS paid, SUM(consumed) AS consumed FROM spending_days "
    "WHERE group_id = ? GROUP BY category, member_id, currency) s "
    "JOIN members m ON m.id = s.member_id ORDER BY s.category, s.currency, m.name"
)


def _text(minor: int, exponent: int) -> str:
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{frac:0{exponent}d}" if exponent else f"{sign}{whole}"


def _as_of(conn: sqlite3.Connection, group_id: int, day: str) -> list[tuple[str, str, int]]:
    first, last = conn.execute(_SPAN, (group_id, group_id)).fetchone()
    if first is None or day < first:
        return []
    if day >= last:
        return conn.execute(_NOW, (group_id,)).fetchall()
    if _days(first, day) <= _days(day, last):  # the nearer end, as the service reads
        return conn.execute(_UP_TO, (group_id, day)).fetchall()
    return conn.execute(_FROM_NOW, (group_id, day, group_id)).fetchall()


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


@click.command()
@click.option("--db", required=True, type=click.Path(exists=True, dir_okay=False))
@click.argument("what", type=click.Choice(["as-of", "report"]))
@click.argument("group")
@click.argument("day", required=False)
def main(db: str, what: str, group: str, day: str | None) -> None:
    """Print WHAT of GROUP as JSON, read in one transaction."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    (group_id,) = conn.execute(_GROUP, (group,)).fetchone()
    places = dict(conn.execute(_EXPONENTS).fetchall())
    out: dict[str, Any] = {"group": group}
    if what == "as-of":
        rows = _as_of(conn, group_id, str(day))
        out["balances"] = [
            {"member": m, "currency": c, "minor": a, "amount": _text(a, places[c])}
            for m, c, a in rows
        ]
        out["as_of"] = day
    else:
        buckets: dict[tuple[str, str], dict[str, Any]] = {}
        for category, member, cur, paid, consumed in conn.execute(_BY_CATEGORY, (group_id,)):
            bucket = buckets.setdefault(
                (category, cur), {"category": category, "currency": cur, "spent": 0, "members": []}
            )
            bucket["spent"] += paid
            bucket["members"].append(
                {
                    "member": member,
                    "paid": _text(paid, places[cur]),
                    "consumed": _text(consumed, places[cur]),
                }
            )
        out["buckets"] = [
            {**b, "spent": _text(b["spent"], places[b["currency"]])} for b in buckets.values()
        ]
        out["members"] = [
            {"member": m, "currency": c, "closing": _text(a, places[c])}
            for m, c, a in conn.execute(_NOW, (group_id,))
        ]
    conn.execute("COMMIT")
    conn.close()
    click.echo(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
