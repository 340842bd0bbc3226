"""The floor of a write command (issue 14): Python, sqlite3, json, hashlib and click,
writing the rows `splitledger expense add` / `payment add` write, in one transaction at
the same durability (WAL, synchronous=FULL, foreign keys on, BEGIN IMMEDIATE).

The rows (traced from the real commands): under the group's write lock, read the group
(chain head, whether it is archived, its latest close), the request key, the members and
the next id; then the transaction with its chain hash, its postings, the members'
balances, the group's spending (expenses), the new chain head, one audit row, the
expense's definition (expenses) and the request row. No splitledger import, no schema
check, no input validation beyond click's: what is left is what any command-line writer
of this ledger must pay. bench/start.py runs it as
a whole process, interleaved with the real commands (goal: ≤ 3× its CPU).

    python bench/floor_insert.py --db L.db expense G DESCRIPTION 12.34 --paid-by alice --key K
    python bench/floor_insert.py --db L.db payment G alice bob 5.00 --key K
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3

import click

_UPSERT_BALANCE = (
    "INSERT INTO balances (member_id, currency, group_id, amount) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (member_id, currency) DO UPDATE SET amount = balances.amount + excluded.amount"
)
_UPSERT_SPENDING = (
    "INSERT INTO spending (group_id, currency, amount) VALUES (?, ?, ?) "
    "ON CONFLICT (group_id, currency) DO UPDATE SET amount = spending.amount + excluded.amount"
)
_UPSERT_BALANCE_DAY = (
    "INSERT INTO balance_days (group_id, day, member_id, currency, amount) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, day, member_id, currency) "
    "DO UPDATE SET amount = balance_days.amount + excluded.amount"
)
_UPSERT_SPENDING_DAY = (
    "INSERT INTO spending_days (group_id, day, category, member_id, currency, paid, consumed) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, day, category, member_id, currency) "
    "DO UPDATE SET paid = spending_days.paid + excluded.paid, "
    "consumed = spending_days.consumed + excluded.consumed"
)
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _connect(db: str) -> sqlite3.Connection:
    """The same connection settings as the app's engine (store/engine.py)."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=15)
    conn.execute("PRAGMA busy_timeout = 15000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def _minor(text: str, exponent: int) -> int:
    whole, _, frac = text.partition(".")
    return int(whole + (frac + "0" * exponent)[:exponent])


def _write(
    db: str,
    kind: str,
    group: str,
    description: str,
    amount: str,
    key: str,
    payer: str,
    payee: str | None,  # None: an expense shared equally by all members
) -> None:
    expense = payee is None
    conn = _connect(db)
    actor = os.environ.get("USER") or "bench"
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    today = dt.date.today().isoformat()
    conn.execute("BEGIN IMMEDIATE")
    gid, currency, seq, head, archived, closed = conn.execute(
        "SELECT id, currency, head_seq, head_hash, archived_at IS NOT NULL, "
        "(SELECT MAX(c.through) FROM period_closes c WHERE c.group_id = groups.id) "
        "FROM groups WHERE name = ?",
        (group,),
    ).fetchone()
    if archived or (closed is not None and today <= closed):  # read-only (ADR 0018)
        raise click.ClickException(f"{group} is read-only")
    if conn.execute("SELECT 1 FROM requests WHERE key = ?", (key,)).fetchone():
        raise click.ClickException(f"key {key!r} already used")
    (exponent,) = conn.execute(
        "SELECT exponent FROM currencies WHERE code = ?", (currency,)
    ).fetchone()
    ids = dict(conn.execute("SELECT name, id FROM members WHERE group_id = ? ORDER BY id", (gid,)))
    total = _minor(amount, exponent)
    postings = [(ids[payer], total)]
    if payee is not None:
        postings.append((ids[payee], -total))
    else:  # equal split in integers, the odd cents to the first
        share, odd = divmod(total, len(ids))
        postings += [(m, -(share + (i < odd))) for i, m in enumerate(ids.values())]
    (tx_id,) = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM transactions").fetchone()
    category = "payment" if kind == "payment" else ""
    body = _CANONICAL.encode(
        [gid, seq + 1, kind, today, description, category, key, None, None, actor,
         [[m, currency, a] for m, a in postings]]
    )  # fmt: skip
    digest = hashlib.sha256(f"{head}:{body}".encode()).hexdigest()
    conn.execute(
        "INSERT INTO transactions (id, group_id, seq, kind, date, description, category, "
        "idempotency_key, reverses_id, replaces_id, actor, created_at, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)",
        (tx_id, gid, seq + 1, kind, today, description, category, key, actor, now, head, digest),
    )
    conn.executemany(
        "INSERT INTO postings (transaction_id, member_id, currency, amount) VALUES (?, ?, ?, ?)",
        [(tx_id, m, currency, a) for m, a in postings],
    )
    net: dict[int, int] = {}
    for m, a in postings:
        net[m] = net.get(m, 0) + a
    conn.executemany(_UPSERT_BALANCE, [(m, currency, gid, a) for m, a in net.items()])
    conn.executemany(_UPSERT_BALANCE_DAY, [(gid, today, m, currency, a) for m, a in net.items()])
    if expense:
        conn.execute(_UPSERT_SPENDING, (gid, currency, total))
        cells = {m: [0, 0] for m in net}
        for m, a in postings:
            cells[m][0 if a > 0 else 1] += abs(a)
        conn.executemany(
            _UPSERT_SPENDING_DAY,
            [(gid, today, category, m, currency, p, k) for m, (p, k) in cells.items()],
        )
    conn.execute(
        "UPDATE groups SET head_seq = ?, head_hash = ? WHERE id = ?", (seq + 1, digest, gid)
    )
    names = {i: name for name, i in ids.items()}
    payload = json.dumps(
        {"category": category, "date": today, "description": description, "hash": digest,
         "key": key, "kind": kind, "postings": [[names[m], currency, a] for m, a in postings],
         "replaces": None, "reverses": None},
        sort_keys=True,
    )  # fmt: skip
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, group_id, entity_id, payload) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (now, actor, f"tx.{kind}", gid, tx_id, payload),
    )
    if expense:  # how the bill was split, as the app keeps it
        definition = _CANONICAL.encode(
            {"v": 1, "amount": amount, "currency": currency, "paid_by": [[ids[payer], None]],
             "split": "equal", "for": [[m, None] for m in ids.values()]}
        )  # fmt: skip
        conn.execute(
            "INSERT INTO expense_definitions (transaction_id, body) VALUES (?, ?)",
            (tx_id, definition),
        )
    fingerprint = hashlib.sha256(_CANONICAL.encode([kind, group, description, amount]).encode())
    conn.execute(
        "INSERT INTO requests (key, fingerprint, operation, result_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (key, fingerprint.hexdigest(), f"tx.{kind}", tx_id, now),
    )
    conn.execute("COMMIT")
    conn.close()
    click.echo(f"Recorded {kind} #{tx_id} on {today}: {description}")


@click.group()
@click.option("--db", required=True, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def main(ctx: click.Context, db: str) -> None:
    """Write one expense or payment as the real commands do."""
    ctx.obj = db


@main.command()
@click.argument("group")
@click.argument("description")
@click.argument("amount")
@click.option("--paid-by", required=True)
@click.option("--key", required=True)
@click.pass_obj
def expense(db: str, group: str, description: str, amount: str, paid_by: str, key: str) -> None:
    """An expense paid by --paid-by, split equally among all of GROUP's members."""
    _write(db, "expense", group, description, amount, key, paid_by, None)


@main.command()
@click.argument("group")
@click.argument("payer")
@click.argument("payee")
@click.argument("amount")
@click.option("--key", required=True)
@click.pass_obj
def payment(db: str, group: str, payer: str, payee: str, amount: str, key: str) -> None:
    """PAYER paid AMOUNT to PAYEE."""
    _write(db, "payment", group, f"{payer} paid {payee}", amount, key, payer, payee)


if __name__ == "__main__":
    main()
