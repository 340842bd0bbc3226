"""Settle-up planner timings: exact DP vs the greedy baseline, measured in the same run.

Run: .venv/bin/python bench/bench_settle.py [--quick]
Prints, per group size, the median and min-max time of the planner and of the greedy
baseline over several random zero-sum groups, and how many transfers each needed.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable

from splitledger.domain.settle import Transfer, greedy_plan, plan_settlement


def _group(size: int, rnd: random.Random) -> dict[str, int]:
    values = [rnd.randint(-50_000, 50_000) or 1 for _ in range(size - 1)]
    values.append(-sum(values))
    return {f"m{i:05d}": v for i, v in enumerate(values)}


def _time(fn: Callable[[], list[Transfer]], runs: int) -> tuple[list[float], int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(fn())
        times.append(time.perf_counter() - start)
    return times, count


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [10, 20] if quick else [10, 15, 20, 25, 1_000, 10_000]
    runs = 2 if quick else 5
    rnd = random.Random(2026)
    print(
        f"{'members':>8} {'planner median (min-max) s':>30} {'greedy median s':>16} "
        f"{'transfers plan/greedy':>22} {'ratio':>7}"
    )
    for size in sizes:
        group = _group(size, rnd)
        plan_t, plan_n = _time(lambda g=group: plan_settlement(g, "USD"), runs)
        greedy_t, greedy_n = _time(lambda g=group: greedy_plan(g, "USD"), runs)
        med, gmed = statistics.median(plan_t), statistics.median(greedy_t)
        print(
            f"{size:>8} {med:>12.4f} ({min(plan_t):.4f}-{max(plan_t):.4f}) "
            f"{gmed:>16.5f} {plan_n:>10}/{greedy_n:<11} {med / gmed:>7.1f}x"
        )


if __name__ == "__main__":
    main()
