"""Reading a group's balances on 1,000,000 postings: maintained balances vs summing.

Builds a group of 10 members, then inserts 250,000 four-posting transactions straight
into SQLite (bulk `executemany`, with the maintained balances computed alongside: the
generator only needs the shape of a big ledger, not the service path, which other
benchmarks measure). Times `Ledger.balances()` (O(members)) against the baseline
`SELECT member_id, SUM(amount) FROM postings … GROUP BY member_id` in the same run.

    .venv/bin/python -m bench.bench_balances [--postings N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict

from splitledger.services.ledger import Ledger

MEMBERS = [f"member{i}" for i in range(10)]


def build(path: str, postings: int) -> int:
    with Ledger.open(path) as ledger:
        group = ledger.create_group("Big", "EUR", MEMBERS)
    conn = sqlite3.connect(path)
    ids = [
        r[0]
        for r in conn.execute("SELECT id FROM members WHERE group_id=? ORDER BY id", (group.id,))
    ]
    now = dt.datetime.now(dt.UTC).isoformat()
    tx_rows, posting_rows = [], []
    sums: dict[int, int] = defaultdict(int)
    tx_count = postings // 4
    for t in range(1, tx_count + 1):
        payer, a, b = ids[t % 10], ids[(t * 7) % 10], ids[(t * 3 + 1) % 10]
        amount = 100 + t % 5000
        tx_rows.append(
            (t, group.id, t, "expense", "2026-11-01", f"e{t}", "", f"b{t}", now, "bench", "0", "0")
        )
        share = amount // 2
        for member, value in ((payer, amount), (payer, -amount), (a, share), (b, -share)):
            posting_rows.append((t, member, "EUR", value))
            sums[member] += value
    conn.executemany(
        "INSERT INTO transactions (id, group_id, seq, kind, date, description, category, "
        "idempotency_key, created_at, actor, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        tx_rows,
    )
    conn.executemany(
        "INSERT INTO postings (transaction_id, member_id, currency, amount) VALUES (?,?,?,?)",
        posting_rows,
    )
    conn.executemany(
        "INSERT INTO balances (member_id, currency, group_id, amount) VALUES (?, 'EUR', ?, ?)",
        [(m, group.id, v) for m, v in sums.items()],
    )
    conn.commit()
    conn.close()
    return len(posting_rows)


def _median_ms(fn: object, runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def measure(postings: int, runs: int, tmp: str) -> tuple[float, float, float]:
    """(ours median ms, baseline median ms, build seconds) on a fresh ledger in `tmp`."""
    path = os.path.join(tmp, "big.db")
    start = time.perf_counter()
    build(path, postings)
    built = time.perf_counter() - start
    with Ledger.open(path) as ledger:
        ledger.balances("Big")  # warm the pool
        ours = _median_ms(lambda: ledger.balances("Big"), runs)
    raw = sqlite3.connect(path)
    query = (
        "SELECT p.member_id, SUM(p.amount) FROM postings p JOIN members m "
        "ON m.id = p.member_id WHERE m.group_id = 1 GROUP BY p.member_id"
    )
    base = _median_ms(lambda: raw.execute(query).fetchall(), max(3, runs // 4))
    raw.close()
    return ours[0], base[0], built


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SPLITLEDGER_LOG_DIR", tmp)
        path = os.path.join(tmp, "big.db")
        start = time.perf_counter()
        count = build(path, args.postings)
        print(f"built {count:,} postings in {time.perf_counter() - start:.1f} s")
        with Ledger.open(path) as ledger:
            ledger.balances("Big")  # warm the pool
            ours = _median_ms(lambda: ledger.balances("Big"), args.runs)
            raw = sqlite3.connect(path)
            query = (
                "SELECT p.member_id, SUM(p.amount) FROM postings p JOIN members m "
                "ON m.id = p.member_id WHERE m.group_id = 1 GROUP BY p.member_id"
            )
            base = _median_ms(lambda: raw.execute(query).fetchall(), max(3, args.runs // 4))
            raw.close()
    print(
        f"Ledger.balances (maintained): median {ours[0]:.2f} ms "
        f"(min {ours[1]:.2f}, max {ours[2]:.2f})"
    )
    print(
        f"SUM over postings (baseline): median {base[0]:.1f} ms "
        f"(min {base[1]:.1f}, max {base[2]:.1f})"
    )
    print(f"ratio: {base[0] / ours[0]:.0f}x faster than summing")


if __name__ == "__main__":
    main()
