"""Settle-up planner timings: the exact DP against the greedy baseline and against the
numpy subset DP it replaced (bench/settle_numpy.py), all measured in the same run.

Run: .venv/bin/python bench/bench_settle.py [--quick]
Prints, per group size, the median and min-max time of the planner, of the numpy DP (up
to 20 unpaired balances) and of the greedy baseline over several runs, how many transfers
each needed, then what `import numpy` costs a fresh process.
"""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `splitledger` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from splitledger.domain.settle import Transfer, greedy_plan, plan_settlement


def _group(size: int, rnd: random.Random) -> dict[str, int]:
    values = [rnd.randint(-50_000, 50_000) or 1 for _ in range(size - 1)]
    values.append(-sum(values))
    return {f"m{i:05d}": v for i, v in enumerate(values)}


#: The bitset DP's worst case at 20: 20 unpaired non-zero balances (no +x/-x pair) that
#: split into 6 zero-sum blocks at best, so the DP builds 6 levels (random balances: 1).
MANY_BLOCKS = [3, 3, 3, 3, 5, 5, 6, 6, -1, -1, -2, -2, -2, -2, -4, -4, -4, -4, -4, -4]


def _time(fn: Callable[[], list[Transfer]], runs: int) -> tuple[list[float], int]:
    fn()  # warm-up: first-use costs (currency data, caches) are not the planner's
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(fn())
        times.append(time.perf_counter() - start)
    return times, count


def numpy_import_ms(runs: int = 3) -> float | None:
    """Median cumulative `import numpy` time (µs from -X importtime, shown in ms) of a
    fresh interpreter; None without numpy."""
    figures = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import numpy"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return None
        found = re.search(r"\|\s*(\d+)\s*\|\s*numpy\s*$", done.stderr, re.MULTILINE)
        if found:
            figures.append(int(found.group(1)) / 1000)
    return statistics.median(figures) if figures else None


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = [10, 20] if quick else [10, 15, 20, 25, 1_000, 10_000]
    runs = 2 if quick else 5
    rnd = random.Random(2026)
    try:
        from bench import settle_numpy
    except ImportError:  # numpy is only in the test extra
        settle_numpy = None  # type: ignore[assignment]
    cases = [(f"{size}", _group(size, rnd)) for size in sizes]
    cases.insert(
        [name for name, _ in cases].index("20") + 1,
        ("20 (6 blocks)", {f"m{i:02d}": v for i, v in enumerate(MANY_BLOCKS)}),
    )
    print(
        f"{'members':>14} {'planner median (min-max) s':>30} {'numpy DP median s':>18} "
        f"{'numpy/planner':>14} {'greedy median s':>16} {'transfers plan/greedy':>22}"
    )
    for name, group in cases:
        plan_t, plan_n = _time(partial(plan_settlement, group, "USD"), runs)
        greedy_t, greedy_n = _time(partial(greedy_plan, group, "USD"), runs)
        med, gmed = statistics.median(plan_t), statistics.median(greedy_t)
        numpy_cols = f"{'-':>18} {'-':>14}"
        if settle_numpy is not None and len(group) <= 20:
            np_t, np_n = _time(partial(settle_numpy.plan_settlement, group, "USD"), runs)
            assert np_n == plan_n, (name, np_n, plan_n)
            np_med = statistics.median(np_t)
            numpy_cols = f"{np_med:>18.4f} {np_med / med:>13.1f}x"
        print(
            f"{name:>14} {med:>12.4f} ({min(plan_t):.4f}-{max(plan_t):.4f}) "
            f"{numpy_cols} {gmed:>16.5f} {plan_n:>10}/{greedy_n:<11}"
        )
    numpy_ms = numpy_import_ms()
    if numpy_ms is not None:
        print(f"import numpy in a fresh process (-X importtime, cumulative): {numpy_ms:.1f} ms")


if __name__ == "__main__":
    main()
