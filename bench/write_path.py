"""Write-path benchmarks against plain sqlite3 doing the same row writes, same run.

- single: expenses recorded one at a time through the services (one commit each, default
  durability) vs plain sqlite3 inserting the same transaction and posting rows, one commit
  each, WAL and synchronous=FULL like the app.
- bulk: N entries imported through the services' real import path (validation,
  idempotency keys, audit, hash chain, balances) vs sqlite3 `executemany` of the same rows
  into a bare table pair (no ORM, no checks).

    .venv/bin/python -m bench.write_path [--single 300] [--bulk 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass

from bench import datagen
from splitledger import domain
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger


@dataclass(frozen=True)
class Figure:
    ours: float  # rows (or entries) per second (median of rounds)
    baseline: float
    ratios: tuple[float, ...] = ()  # per round, when measured in interleaved rounds

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else self.ours / self.baseline

    @property
    def spread(self) -> str:
        """min–max of the per-round ratios (empty for a single round)."""
        if len(self.ratios) < 2:
            return ""
        return f"{min(self.ratios):.0%}–{max(self.ratios):.0%}"


def _bare_sqlite(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE tx (id INTEGER PRIMARY KEY, date TEXT, description TEXT)")
    conn.execute(
        "CREATE TABLE posting (id INTEGER PRIMARY KEY, tx INTEGER, member TEXT, "
        "currency TEXT, amount INTEGER)"
    )
    return conn


def executemany_baseline(entries: list[ImportEntry], path: str) -> float:
    """Entries per second for plain sqlite3 `executemany` of the same rows into a bare
    table pair, in one transaction (the bulk-import baseline)."""
    conn = _bare_sqlite(path)
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO tx VALUES (?, ?, ?)",
        [(i, e.tx.date.isoformat(), e.tx.description) for i, e in enumerate(entries, 1)],
    )
    conn.executemany(
        "INSERT INTO posting (tx, member, currency, amount) VALUES (?, ?, ?, ?)",
        [
            (i, p.account, p.currency, p.minor)
            for i, e in enumerate(entries, 1)
            for p in e.tx.postings
        ],
    )
    conn.execute("COMMIT")
    rate = len(entries) / (time.perf_counter() - start)
    conn.close()
    return rate


@dataclass(frozen=True)
class Single:
    """Single writes: ours, the schema's floor and the bare baseline, per round."""

    ours: list[float]
    floor: list[float]
    bare: list[float]

    def vs_bare(self) -> Figure:
        return _figure(self.ours, self.bare)

    def floor_vs_bare(self) -> Figure:
        return _figure(self.floor, self.bare)

    def vs_floor(self) -> Figure:
        return _figure(self.ours, self.floor)


def _figure(ours: list[float], base: list[float]) -> Figure:
    return Figure(
        statistics.median(ours),
        statistics.median(base),
        tuple(o / b for o, b in zip(ours, base, strict=True)),
    )


def single(count: int, tmp: str, rounds: int = 10) -> Single:
    """Interleaved rounds (ours, the floor, the bare baseline, then ours again…) so that
    all three see the same moments of a noisy machine; ratios are medians of the rounds'
    ratios."""
    txs = list(datagen.transactions(count, seed=7))
    per_round = max(1, count // rounds)
    result = Single([], [], [])
    conn = _bare_sqlite(os.path.join(tmp, "single-base.db"))
    floor = _SingleFloor(os.path.join(tmp, "single-floor.db"))
    with Ledger.open(os.path.join(tmp, "single.db")) as ledger:
        ledger.create_group("G", datagen.CURRENCY, datagen.MEMBERS)
        done = 0
        for _ in range(rounds):
            start = time.perf_counter()
            for i in range(done, done + per_round):
                ledger.record_expense(
                    group="G",
                    description=f"Expense {i}",
                    amount=domain.format_amount(1000 + i, datagen.CURRENCY, grouping=False),
                    paid_by=[(datagen.MEMBERS[i % 10], None)],
                    participants=[(datagen.MEMBERS[(i + k) % 10], None) for k in range(3)],
                )
            result.ours.append(per_round / (time.perf_counter() - start))
            result.floor.append(floor.round(range(done, done + per_round)))
            start = time.perf_counter()
            for i in range(done, done + per_round):
                tx = txs[i % len(txs)]
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO tx VALUES (?, ?, ?)", (i + 1, tx.date.isoformat(), tx.description)
                )
                conn.executemany(
                    "INSERT INTO posting (tx, member, currency, amount) VALUES (?, ?, ?, ?)",
                    [(i + 1, p.account, p.currency, p.minor) for p in tx.postings],
                )
                conn.execute("COMMIT")
            result.bare.append(per_round / (time.perf_counter() - start))
            done += per_round
    conn.close()
    floor.close()
    return result


class _SingleFloor:
    """What one recorded expense costs the database alone: the very statements the
    services run for it (traced: lock the group, look up the key and the members, reserve
    the id, the transaction, its postings, balances, spending, the chain head, the audit
    row, the request row), with values computed before the clock starts, through plain
    sqlite3 into our real schema, one commit each. No write through the services can be
    faster; the goal's bare two-table insert leaves out everything but two of them."""

    def __init__(self, path: str) -> None:
        with Ledger.open(path) as ledger:
            ledger.create_group("G", datagen.CURRENCY, datagen.MEMBERS)
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA foreign_keys=ON")  # as the app runs: its checks count
        self.ids = [i for (i,) in self.conn.execute("SELECT id FROM members ORDER BY id")]
        self.group = self.conn.execute("SELECT id FROM groups").fetchone()[0]

    def _rows(self, i: int) -> tuple[tuple[object, ...], list[tuple[int, int]], str]:
        amount = 1000 + i
        payer = self.ids[i % 10]
        members = [self.ids[(i + k) % 10] for k in range(3)]
        shares = [amount // 3] * 3
        shares[0] += amount - sum(shares)
        lines = [(payer, amount)] + [(m, -s) for m, s in zip(members, shares, strict=True)]
        key = f"floor:{i}"
        digest = f"{i:064d}"
        payload = json.dumps(
            {"kind": "expense", "key": key, "description": f"Expense {i}",
             "postings": [[m, datagen.CURRENCY, a] for m, a in lines], "hash": digest},
            sort_keys=True,
        )  # fmt: skip
        return (key, digest, f"Expense {i}"), lines, payload

    def round(self, numbers: range) -> float:
        """Writes per second for these expense numbers."""
        prepared = [self._rows(i) for i in numbers]
        stamp, group, cur = "2026-01-01 00:00:00.000000", self.group, self.conn
        start = time.perf_counter()
        for (key, digest, description), lines, payload in prepared:
            cur.execute("BEGIN IMMEDIATE")
            seq = cur.execute(
                "SELECT id, name, currency, head_seq, head_hash FROM groups WHERE name = 'G'"
            ).fetchone()[3]
            cur.execute(
                "SELECT fingerprint, operation, result_id FROM requests WHERE key = ?", (key,)
            )
            cur.execute(
                "SELECT id, name, kind, archived_at IS NOT NULL FROM members WHERE group_id = ? "
                "ORDER BY id",
                (group,),
            ).fetchall()
            tx_id = cur.execute("SELECT COALESCE(MAX(id), 0) FROM transactions").fetchone()[0] + 1
            cur.execute(
                f"INSERT INTO transactions VALUES ({', '.join('?' * 15)})",
                (tx_id, group, seq + 1, "expense", "2026-01-01", description, "", key, None,
                 None, "bench", stamp, digest, digest, ""),
            )  # fmt: skip
            cur.executemany(
                "INSERT INTO postings (transaction_id, member_id, currency, amount) "
                "VALUES (?, ?, ?, ?)",
                [(tx_id, m, datagen.CURRENCY, a) for m, a in lines],
            )
            cur.executemany(
                "INSERT INTO balances (member_id, currency, group_id, amount) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (member_id, currency) DO UPDATE SET amount = balances.amount + "
                "excluded.amount",
                [(m, datagen.CURRENCY, group, a) for m, a in lines],
            )
            cur.execute(
                "INSERT INTO spending (group_id, currency, amount) VALUES (?, ?, ?) "
                "ON CONFLICT (group_id, currency) DO UPDATE SET amount = spending.amount + "
                "excluded.amount",
                (group, datagen.CURRENCY, lines[0][1]),
            )
            net: dict[int, int] = {}
            cells: dict[int, list[int]] = {}
            for m, a in lines:
                net[m] = net.get(m, 0) + a
                cells.setdefault(m, [0, 0])[0 if a > 0 else 1] += abs(a)
            cur.executemany(  # the daily totals (ADR 0017), as the write path keeps them
                "INSERT INTO balance_days (group_id, day, member_id, currency, amount) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, day, member_id, currency) "
                "DO UPDATE SET amount = balance_days.amount + excluded.amount",
                [(group, "2026-01-01", m, datagen.CURRENCY, a) for m, a in sorted(net.items())],
            )
            cur.executemany(
                "INSERT INTO spending_days (group_id, day, category, member_id, currency, "
                "paid, consumed) VALUES (?, ?, '', ?, ?, ?, ?) ON CONFLICT (group_id, day, "
                "category, member_id, currency) DO UPDATE SET paid = spending_days.paid + "
                "excluded.paid, consumed = spending_days.consumed + excluded.consumed",
                [(group, "2026-01-01", m, datagen.CURRENCY, p, k)
                 for m, (p, k) in sorted(cells.items())],
            )  # fmt: skip
            cur.execute(
                "UPDATE groups SET head_seq = ?, head_hash = ? WHERE id = ?",
                (seq + 1, digest, group),
            )
            cur.execute(
                "INSERT INTO audit_log (at, actor, action, group_id, entity_id, payload) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (stamp, "bench", "tx.expense", group, tx_id, payload),
            )
            cur.execute(
                "INSERT INTO requests (key, fingerprint, operation, result_id, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, digest, "tx.expense", tx_id, stamp),
            )
            cur.execute("COMMIT")
        return len(prepared) / (time.perf_counter() - start)

    def close(self) -> None:
        self.conn.close()


def schema_floor(entries: list[ImportEntry], tmp: str) -> float:
    """Entries per second for plain sqlite3 `executemany` of every row the ledger keeps
    for these entries (transactions with their chain hashes, postings, one audit row
    each, balances and chain head), precomputed before the clock starts, into our real
    schema (its indexes and triggers, WAL, FULL). No import on this schema can beat it:
    it is what is left with no parsing, checking, hashing or encoding at all."""
    path = os.path.join(tmp, "floor.db")
    with Ledger.open(path) as ledger:
        ledger.create_group("G", datagen.CURRENCY, datagen.MEMBERS)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")  # as the app runs: its checks count
    ids = dict(conn.execute("SELECT name, id FROM members"))
    group_id = conn.execute("SELECT id FROM groups").fetchone()[0]
    stamp, digest = "2026-01-01 00:00:00.000000", "0" * 64
    txs, postings, audits = [], [], []
    balance: dict[int, int] = {}
    for i, e in enumerate(entries, start=1):
        tx = e.tx
        txs.append(
            (i, group_id, i, tx.kind.value, tx.date.isoformat(), tx.description, tx.category,
             tx.idempotency_key, None, None, "bench", stamp, digest, digest)
        )  # fmt: skip
        rows = [(i, ids[p.account], p.currency, p.minor) for p in tx.postings]
        postings += rows
        for _, member, _, minor in rows:
            balance[member] = balance.get(member, 0) + minor
        payload = json.dumps(
            {"kind": tx.kind.value, "key": tx.idempotency_key, "description": tx.description,
             "postings": [[p.account, p.currency, p.minor] for p in tx.postings],
             "hash": digest},
            sort_keys=True,
        )  # fmt: skip
        audits.append((stamp, "bench", "tx.import", group_id, i, payload))
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(  # named: the table has grown columns (note) the floor leaves default
        "INSERT INTO transactions (id, group_id, seq, kind, date, description, category, "
        "idempotency_key, reverses_id, replaces_id, created_at, actor, prev_hash, hash) "
        f"VALUES ({', '.join('?' * 14)})",
        txs,
    )
    conn.executemany(
        "INSERT INTO postings (transaction_id, member_id, currency, amount) VALUES (?, ?, ?, ?)",
        postings,
    )
    conn.executemany(
        "INSERT INTO audit_log (at, actor, action, group_id, entity_id, payload) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        audits,
    )
    conn.executemany(
        "INSERT INTO balances (member_id, currency, group_id, amount) VALUES (?, ?, ?, ?)",
        [(m, datagen.CURRENCY, group_id, a) for m, a in sorted(balance.items())],
    )
    conn.execute("UPDATE groups SET head_seq = ?, head_hash = ?", (len(entries), digest))
    conn.execute("COMMIT")
    rate = len(entries) / (time.perf_counter() - start)
    conn.close()
    return rate


def bulk(count: int, tmp: str) -> Figure:
    entries = datagen.entries(count)
    with Ledger.open(os.path.join(tmp, "bulk.db")) as ledger:
        start = time.perf_counter()
        report = ledger.import_transactions(
            "G", datagen.CURRENCY, datagen.MEMBERS, entries, source="bench"
        )
        ours = count / (time.perf_counter() - start)
        assert report.recorded == count
    baseline = executemany_baseline(entries, os.path.join(tmp, "bulk-base.db"))
    return Figure(ours, baseline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--single", type=int, default=300)
    parser.add_argument("--bulk", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SPLITLEDGER_LOG_DIR", tmp)
        one = single(args.single, tmp)
        ours, floor_, of_floor = one.vs_bare(), one.floor_vs_bare(), one.vs_floor()
        print(
            f"single expense: {ours.ours:.0f}/s vs sqlite3 {ours.baseline:.0f}/s "
            f"= {ours.ratio:.0%} ({ours.spread}; goal >= 40%); the same statements raw: "
            f"{floor_.ours:.0f}/s = {floor_.ratio:.0%} of sqlite3, ours {of_floor.ratio:.0%} "
            "of that"
        )
        many = bulk(args.bulk, tmp)
        floor = schema_floor(datagen.entries(args.bulk), tmp)
        print(
            f"bulk import: {many.ours:.0f} entries/s vs executemany {many.baseline:.0f}/s "
            f"= {many.ratio:.1%} (goal >= 25%); the same rows into our schema: "
            f"{floor:.0f}/s = {floor / many.baseline:.0%} of the bare tables, ours "
            f"{many.ours / floor:.0%} of that"
        )


if __name__ == "__main__":
    main()
