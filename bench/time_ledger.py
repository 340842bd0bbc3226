"""Issue 16's goals for time in the ledger, each against a baseline from the same run:

- `Ledger.balances(as_of=D)` on 1,000,000 postings (goal ≤ 20 ms through the services),
  against the plain `SUM … GROUP BY` over the postings dated ≤ D;
- `Ledger.spending_report(...)` over the 100,000-expense group (goal ≤ 300 ms), against
  the plain `SUM … GROUP BY` over the bills' postings (reversed bills left out);
- the whole processes `splitledger balances G --as-of D --json` and `splitledger report
  G --json` on that group, against bench/floor_read.py reading today's balances (CPU,
  as bench/start.py judges the other reads; goal ≤ 2×), and against bench/floor_time.py,
  which runs the same SQL as the command with nothing of ours (what the work costs).

The ledgers are `bench/datagen.py`'s entries (10 members, 50 a day from 2020-01-01, a
payment every 25th, five categories), one in 100 bills deleted ten days later (a
reversal), inserted straight into SQLite as bench/bench_balances.py does (the service
path is what other benchmarks time). The maintained tables are filled consistently: the
balances and total spent as the write path keeps them, the daily totals by revision
0005's own INSERT … SELECT; the build then checks them as `verify` does.

    .venv/bin/python -m bench.time_ledger [--postings 1000000] [--expenses 100000]
        [--runs 20] [--rounds 9] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import Any

from bench import datagen
from splitledger.domain import TxKind
from splitledger.services.ledger import Ledger
from splitledger.store.repository import daily_totals
from splitledger.store.unit import Unit

GROUP = "Big"
#: Revision 0005: its INSERT … SELECT fills the daily totals from the postings.
MIGRATION: Any = import_module("splitledger.store.migrations.versions.0005_time_in_the_ledger")
REVERSE_EVERY = 100

_TX = (
    "INSERT INTO transactions (id, group_id, seq, kind, date, description, category, "
    "idempotency_key, reverses_id, created_at, actor, prev_hash, hash) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_POSTING = "INSERT INTO postings (transaction_id, member_id, currency, amount) VALUES (?,?,?,?)"

#: The baselines: what a balance as of D and a report cost summed from the postings.
BASE_AS_OF = (
    "SELECT p.member_id, p.currency, SUM(p.amount) FROM postings p "
    "JOIN transactions t ON t.id = p.transaction_id "
    "WHERE t.group_id = ? AND t.date <= ? GROUP BY p.member_id, p.currency"
)
BASE_REPORT = (
    "SELECT t.category, p.member_id, p.currency, "
    "SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END), "
    "SUM(CASE WHEN p.amount < 0 THEN -p.amount ELSE 0 END) FROM postings p "
    "JOIN transactions t ON t.id = p.transaction_id "
    "WHERE t.group_id = ? AND t.kind = 'expense' AND t.id NOT IN "
    "(SELECT reverses_id FROM transactions WHERE group_id = ? AND reverses_id IS NOT NULL) "
    "GROUP BY t.category, p.member_id, p.currency"
)


def build(path: str, entries: int) -> tuple[int, int, dt.date, dt.date]:
    """A group of `entries` datagen entries (and a reversal for one bill in
    REVERSE_EVERY); returns (transactions, postings, first date, last date)."""
    with Ledger.open(path) as ledger:
        group_id = ledger.create_group(GROUP, "EUR", datagen.MEMBERS).id
    conn = sqlite3.connect(path)
    ids = dict(conn.execute("SELECT name, id FROM members WHERE group_id = ?", (group_id,)))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    txs: list[tuple[Any, ...]] = []
    postings: list[tuple[int, int, str, int]] = []
    sums: dict[int, int] = defaultdict(int)
    spent = 0
    next_id = entries + 1
    first = last = datagen.START
    for i, tx in enumerate(datagen.transactions(entries), start=1):
        rows = [(i, ids[p.account], p.currency, p.minor) for p in tx.postings]
        txs.append((i, group_id, i, tx.kind.value, tx.date.isoformat(), tx.description,
                    tx.category, tx.idempotency_key, None, now, "bench", "0", "0"))  # fmt: skip
        postings += rows
        last = max(last, tx.date)
        reversed_ = tx.kind is TxKind.EXPENSE and i % REVERSE_EVERY == 7
        if reversed_:
            day = (tx.date + dt.timedelta(days=10)).isoformat()
            txs.append((next_id, group_id, next_id, "reversal", day, f"Reversal of #{i}", "",
                        f"rev-{i}", i, now, "bench", "0", "0"))  # fmt: skip
            postings += [(next_id, m, c, -a) for _, m, c, a in rows]
            next_id += 1
        elif tx.kind is TxKind.EXPENSE:
            spent += sum(a for *_, a in rows if a > 0)
        for _, m, _, a in rows:
            sums[m] += 0 if reversed_ else a
    conn.executemany(_TX, txs)
    conn.executemany(_POSTING, postings)
    conn.executemany(
        "INSERT INTO balances (member_id, currency, group_id, amount) VALUES (?, 'EUR', ?, ?)",
        [(m, group_id, a) for m, a in sums.items()],
    )
    conn.execute(
        "INSERT INTO spending (group_id, currency, amount) VALUES (?, 'EUR', ?)", (group_id, spent)
    )
    conn.execute(MIGRATION._FILL_BALANCE_DAYS)
    conn.execute(MIGRATION._FILL_SPENDING_DAYS)
    conn.execute("UPDATE groups SET head_seq = ? WHERE id = ?", (next_id - 1, group_id))
    conn.commit()
    _check(conn, group_id)
    conn.execute("ANALYZE")
    conn.close()
    return len(txs), len(postings), first, last


def _check(conn: sqlite3.Connection, group_id: int) -> None:
    """The maintained tables are what the postings say (as `verify` checks them)."""
    unit = Unit(conn.cursor(), sqlite=True)
    pairs = (
        (daily_totals.stored_balance_days, daily_totals.balance_days_from_postings),
        (daily_totals.stored_spending_days, daily_totals.spending_days_from_postings),
    )
    for stored, derived in pairs:
        kept: dict[Any, Any] = stored(unit, group_id)
        if kept != derived(unit, group_id):
            raise SystemExit(f"{stored.__name__} differs from the postings")
    held = dict(conn.execute("SELECT member_id, amount FROM balances WHERE group_id = ?",
                             (group_id,)))  # fmt: skip
    summed = dict(conn.execute(
        "SELECT p.member_id, SUM(p.amount) FROM postings p JOIN transactions t "
        "ON t.id = p.transaction_id WHERE t.group_id = ? GROUP BY p.member_id", (group_id,)
    ))  # fmt: skip
    if held != summed:
        raise SystemExit("balances differ from the postings")


def _fetch(conn: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> list[Any]:
    return conn.execute(sql, params).fetchall()


def interleaved(cases: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median ms of each case, the cases taking turns (a noisy machine slows all alike)."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(got) for name, got in times.items()}


def in_process(path: str, first: dt.date, last: dt.date, runs: int) -> list[str]:
    """The services against the plain sums, on the ledger at `path`; Markdown rows."""
    raw = sqlite3.connect(path)
    late = last - dt.timedelta(days=3)  # the widest range a past date has
    middle = first + (last - first) / 2
    rows = []
    with Ledger.open(path) as ledger:
        ledger.balances(GROUP, as_of=late)  # warm the pool and the page cache
        for label, when in (
            ("a late date", late),
            ("the mid-way date (the widest read: half the days)", middle),
        ):
            got = interleaved(
                {
                    "ours": partial(ledger.balances, GROUP, as_of=when),
                    "base": partial(_fetch, raw, BASE_AS_OF, (1, when.isoformat())),
                },
                runs,
            )
            rows.append((f"balances as of {label}, {when}", got))
        ledger.spending_report(GROUP)
        reports: tuple[tuple[str, dict[str, Any]], ...] = (
            ("by category, all dates", {"by": "category"}),
            ("by category and month, all dates", {"by": "category,month"}),
            (
                "by member, one year",
                {"by": "member", "date_from": late.replace(month=1, day=1), "date_to": late},
            ),
        )
        for label, kwargs in reports:
            got = interleaved(
                {
                    "ours": partial(ledger.spending_report, GROUP, **kwargs),
                    "base": partial(_fetch, raw, BASE_REPORT, (1, 1)),
                },
                max(3, runs // 2),
            )
            rows.append((f"report {label}", got))
    raw.close()
    return [
        f"| {label} | {got['ours']:.2f} ms | {got['base']:.1f} ms | "
        f"{got['base'] / got['ours']:.0f}× faster |"
        for label, got in rows
    ]


def whole_processes(path: str, when: dt.date, rounds: int) -> list[str]:
    """`splitledger balances --as-of` and `report` as whole processes, round-robin with
    the read floors (bench/start.py's machinery): bench/floor_read.py reading today's
    balances, as bench/start.py judges the other reads, and bench/floor_time.py running
    the same SQL over the daily totals as the command. Markdown rows, CPU medians."""
    from bench import start

    with tempfile.TemporaryDirectory(prefix="splitledger-time-") as tmp:
        env = start.child_env(Path(tmp))
        env["PYTHONPATH"] = str(start.ROOT)
        exe = start.launcher(start.ROOT, Path(tmp) / "bin")
        py, cli, day = start.PY, [exe, "--db", path], when.isoformat()
        read = [py, str(start.BENCH / "floor_read.py"), "--db", path]
        same = [py, str(start.BENCH / "floor_time.py"), "--db", path]
        argvs = {
            "floor_read": [*read, "balances", GROUP],
            "floor as-of": [*same, "as-of", GROUP, day],
            "floor report": [*same, "report", GROUP],
            "balances": [*cli, "balances", GROUP, "--json"],
            "as-of": [*cli, "balances", GROUP, "--as-of", day, "--json"],
            "report": [*cli, "report", GROUP, "--json"],
            "report by month": [*cli, "report", GROUP, "--by", "category,month", "--json"],
        }
        errors = Path(tmp) / "err"
        got: dict[str, list[start.Sample]] = {name: [] for name in argvs}
        names = list(argvs)
        for n in range(rounds + 1):  # round 0 warms up (bytecode, page cache)
            for name in names[n % len(names) :] + names[: n % len(names)]:
                sample = start.spawn(argvs[name], env, errors)
                if n:
                    got[name].append(sample)
    cpu = {name: statistics.median(s.cpu for s in samples) * 1000 for name, samples in got.items()}
    wall = {
        name: statistics.median(s.wall for s in samples) * 1000 for name, samples in got.items()
    }
    rows = []
    for name, label, floor in (
        ("balances", "`balances G --json` (today's)", "floor_read"),
        ("as-of", f"`balances G --as-of {when} --json`", "floor_read"),
        ("as-of", f"`balances G --as-of {when} --json`", "floor as-of"),
        ("report", "`report G --json` (by category)", "floor_read"),
        ("report", "`report G --json` (by category)", "floor report"),
        ("report by month", "`report G --by category,month --json`", "floor_read"),
    ):
        ratio = cpu[name] / cpu[floor]
        what = (
            "floor_read.py balances"
            if floor == "floor_read"
            else f"floor_time.py {floor.split()[1]}: the same SQL"
        )
        rows.append(
            f"| {label} (CPU) | {cpu[name]:.0f} ms (wall {wall[name]:.0f} ms) | "
            f"{cpu[floor]:.0f} ms ({what}; wall {wall[floor]:.0f} ms) | "
            f"{ratio:.2f}× | ≤ 2× | {'ok' if ratio <= 2 else 'MISS'} |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--expenses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="in-process samples")
    parser.add_argument("--rounds", type=int, default=9, help="whole-process rounds")
    parser.add_argument("--quick", action="store_true", help="smoke: small ledgers, 1 round")
    args = parser.parse_args()
    if args.quick:
        args.postings, args.expenses, args.runs, args.rounds = 20_000, 2_000, 3, 1
    with tempfile.TemporaryDirectory(prefix="splitledger-time-") as tmp:
        os.environ.setdefault("SPLITLEDGER_LOG_DIR", tmp)
        print("| through the services | splitledger | plain SUM … GROUP BY (same run) | ratio |")
        print("|---|---|---|---|")
        for what, entries in (
            ("postings", round(args.postings / 3.9)),  # ~3.9 postings an entry
            ("expenses", args.expenses),
        ):
            path = os.path.join(tmp, f"{what}.db")
            started = time.perf_counter()
            txs, postings, first, last = build(path, entries)
            print(
                f"| *ledger: {txs:,} transactions, {postings:,} postings, {first} to {last} "
                f"(built and checked in {time.perf_counter() - started:.0f} s)* | | | |",
                flush=True,
            )
            for row in in_process(path, first, last, args.runs):
                print(row, flush=True)
            if what == "expenses":
                print()
                head = f"whole process, {entries:,}-entry group"
                print(f"| {head} | splitledger | baseline | ratio | goal | ok |")
                print("|---|---|---|---|---|---|")
                middle = first + (last - first) / 2  # the widest read an as-of makes
                for row in whole_processes(path, middle, args.rounds):
                    print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
