"""Many writers at once: every post lands exactly once, and the books still balance.

Each write i has the key `k-i` and a payload derived from i alone. Writer w posts every
i with i % workers == w, and re-posts (a retry with the same key and payload) every tenth
key of the next writer, so identical keys race on purpose. Afterwards the group must hold
exactly `total` transactions, the balances must equal those folded from the same
expenses built in memory, and `verify` must pass.

Run the full stress test (10,000 posts):
    .venv/bin/python -m bench.concurrency --backend sqlite --workers 8 --total 10000
    .venv/bin/python -m bench.concurrency --backend postgres --workers 32 --total 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from splitledger import domain
from splitledger.domain import fold_balances
from splitledger.services.ledger import Ledger

MEMBERS = ("ann", "bob", "cy", "dee")
GROUP = "Stress"
DAY = dt.date(2026, 11, 1)


def _payload(i: int) -> dict[str, object]:
    return {
        "group": GROUP,
        "description": f"expense {i}",
        "amount": domain.format_amount(100 + i % 900, "EUR", grouping=False),
        "paid_by": [(MEMBERS[i % len(MEMBERS)], None)],
        "date": DAY,
        "key": f"k-{i}",
    }


def _keys_for(worker: int, workers: int, total: int) -> list[int]:
    own = [i for i in range(total) if i % workers == worker]
    retries = [i for i in range(total) if i % workers == (worker + 1) % workers and i % 10 == 0]
    return own + retries


def write_keys(target: str, worker: int, workers: int, total: int) -> int:
    """Post this writer's keys through its own Ledger (own connections); return count."""
    with Ledger.open(target, actor=f"writer-{worker}") as ledger:
        keys = _keys_for(worker, workers, total)
        for i in keys:
            ledger.record_expense(**_payload(i))
        return len(keys)


def expected_balances(total: int) -> dict[str, int]:
    txs = []
    for i in range(total):
        p = _payload(i)
        amount = domain.parse_amount(str(p["amount"]), "EUR")
        txs.append(
            domain.build_expense(
                total=amount,
                currency="EUR",
                payers={MEMBERS[i % len(MEMBERS)]: amount},
                split=domain.Equal(MEMBERS),
                date=DAY,
                description=str(p["description"]),
                idempotency_key=str(p["key"]),
            )
        )
    return fold_balances(p for tx in txs for p in tx.postings)["EUR"]


@dataclass(frozen=True)
class Outcome:
    seconds: float
    requests: int
    landed: int
    balances_ok: bool
    verify_ok: bool

    @property
    def ok(self) -> bool:
        return self.balances_ok and self.verify_ok


def run(target: str, *, workers: int, total: int, processes: bool) -> Outcome:
    with Ledger.open(target) as ledger:
        ledger.create_group(GROUP, "EUR", MEMBERS)
    start = time.perf_counter()
    if processes:
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers) as pool:
            counts = pool.starmap(write_keys, [(target, w, workers, total) for w in range(workers)])
    else:
        with ThreadPoolExecutor(workers) as pool:
            counts = list(pool.map(lambda w: write_keys(target, w, workers, total), range(workers)))
    seconds = time.perf_counter() - start
    with Ledger.open(target) as ledger:
        landed = sum(1 for _ in ledger.iter_transactions(GROUP, batch=5000))
        got = {b.member: b.minor for b in ledger.balances(GROUP).balances}
        verify_ok = ledger.verify().ok
    return Outcome(seconds, sum(counts), landed, got == expected_balances(total), verify_ok)


def _pg_target(base: str) -> tuple[str, str]:
    import psycopg

    schema = f"stress_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{base}?options=-csearch_path%3D{schema}", schema


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument(
        "--pg",
        default=os.environ.get("SPLITLEDGER_TEST_PG", "postgresql://postgres@127.0.0.1/test"),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("SPLITLEDGER_LOG_DIR", tmp)
        if args.backend == "sqlite":
            target, processes, schema = os.path.join(tmp, "stress.db"), True, None
        else:
            (target, schema), processes = _pg_target(args.pg), False
        try:
            out = run(target, workers=args.workers, total=args.total, processes=processes)
        finally:
            if schema:
                import psycopg

                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    kind = "processes" if processes else "connections"
    print(
        f"{args.backend}: {args.workers} {kind}, {out.requests} requests for {args.total} keys "
        f"in {out.seconds:.2f} s = {out.requests / out.seconds:.0f} requests/s; "
        f"landed {out.landed} (exactly once: {out.landed == args.total}); "
        f"balances as expected: {out.balances_ok}; verify: {out.verify_ok}"
    )
    return 0 if out.ok and out.landed == args.total else 1


if __name__ == "__main__":
    sys.exit(main())
