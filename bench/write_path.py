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
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass

from bench import datagen
from splitledger import domain
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger


@dataclass(frozen=True)
class Figure:
    ours: float  # rows (or entries) per second
    baseline: float

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline


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


def single(count: int, tmp: str) -> Figure:
    txs = list(datagen.transactions(count, seed=7))
    with Ledger.open(os.path.join(tmp, "single.db")) as ledger:
        ledger.create_group("G", datagen.CURRENCY, datagen.MEMBERS)
        start = time.perf_counter()
        for i in range(count):
            ledger.record_expense(
                group="G",
                description=f"Expense {i}",
                amount=domain.format_amount(1000 + i, datagen.CURRENCY, grouping=False),
                paid_by=[(datagen.MEMBERS[i % 10], None)],
                participants=[(datagen.MEMBERS[(i + k) % 10], None) for k in range(3)],
            )
        ours = count / (time.perf_counter() - start)
    conn = _bare_sqlite(os.path.join(tmp, "single-base.db"))
    start = time.perf_counter()
    for i, tx in enumerate(txs, start=1):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO tx VALUES (?, ?, ?)", (i, tx.date.isoformat(), tx.description))
        conn.executemany(
            "INSERT INTO posting (tx, member, currency, amount) VALUES (?, ?, ?, ?)",
            [(i, p.account, p.currency, p.minor) for p in tx.postings],
        )
        conn.execute("COMMIT")
    baseline = count / (time.perf_counter() - start)
    conn.close()
    return Figure(ours, baseline)


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
        print(
            f"single expense: {one.ours:.0f}/s vs sqlite3 {one.baseline:.0f}/s "
            f"= {one.ratio:.0%} (goal >= 40%)"
        )
        many = bulk(args.bulk, tmp)
        print(
            f"bulk import: {many.ours:.0f} entries/s vs executemany {many.baseline:.0f}/s "
            f"= {many.ratio:.1%} (goal >= 25%)"
        )


if __name__ == "__main__":
    main()
