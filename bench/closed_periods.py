"""What closing a period costs a write (ADR 0018), on SQLite, in one run: payments into a
group never closed (the baseline) against a closed one (each write checks its date
against the close read with the group's row), interleaved so that both see the same
machine; and the group read alone, with and without the close's subquery.

    python bench/closed_periods.py [--writes 400] [--reads 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from splitledger.services.ledger import Ledger
from splitledger.store.repository import groups
from splitledger.store.unit import Unit


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=400)
    parser.add_argument("--reads", type=int, default=20_000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        Ledger.open(str(Path(folder) / "bench.db"), actor="bench") as ledger,
    ):
        for name in ("Open", "Closed"):
            ledger.create_group(name, "EUR", ["ann", "bob"])
        ledger.record_payment(
            "Closed", payer="bob", payee="ann", amount="1", date=dt.date(2026, 1, 1)
        )
        ledger.close_period("Closed", dt.date(2026, 1, 31))
        day = dt.date.today()
        times: dict[str, list[float]] = {"Open": [], "Closed": []}
        for _ in range(args.writes):
            for name in ("Open", "Closed"):
                start = time.perf_counter()
                ledger.record_payment(name, payer="bob", payee="ann", amount="1.25", date=day)
                times[name].append(time.perf_counter() - start)
        base, closed = _median_ms(times["Open"]), _median_ms(times["Closed"])
        print(f"payment, never closed (baseline): {base:.3f} ms median of {args.writes}")
        print(f"payment, closed group:            {closed:.3f} ms ({closed / base:.2f}x)")

        def read(query: str) -> float:
            def work(unit: Unit) -> float:
                start = time.perf_counter()
                for _ in range(args.reads):
                    unit.one(query, ("Closed",))
                return time.perf_counter() - start

            spent: float = ledger._read(work)
            return spent / int(args.reads) * 1e6

        plain = read("SELECT id, name, currency, head_seq, head_hash FROM groups WHERE name = ?")
        full = read(
            "SELECT id, name, currency, head_seq, head_hash, archived_at IS NOT NULL, "
            f"({groups._LATEST_CLOSE}) FROM groups WHERE name = ?"
        )
        print(f"group row alone (baseline):       {plain:.1f} µs")
        print(f"group row with archived + close:  {full:.1f} µs ({full / plain:.2f}x)")


if __name__ == "__main__":
    main()
