"""`recurring run` catching up a long-unrun schedule (ADR 0016): 120 monthly
occurrences (ten years of rent) recorded in one run, against recording the same 120
bills one `record_expense` call at a time (the baseline, same run, same machine).

Each sample starts from a fresh copy of one migrated SQLite ledger holding the group
and the schedule. Figures are medians with min and max; also the whole CLI process
(`splitledger recurring run`, start-up included) and a second run that finds nothing
due.

    .venv/bin/python -m bench.recurring_catchup            # 5 samples
    .venv/bin/python -m bench.recurring_catchup --runs 9
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from splitledger.services.ledger import Ledger

MONTHS = 120
RUNS = 5


def _start() -> dt.date:
    today = dt.date.today()
    index = today.year * 12 + today.month - 1 - (MONTHS - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _template(folder: Path) -> Path:
    path = folder / "template.db"
    with Ledger.open(str(path), actor="bench") as book:
        book.create_group("Flat", "EUR", ["ann", "bob", "cy"])
        book.add_schedule(
            "Flat",
            description="Rent",
            amount="1200",
            paid_by=[("ann", None)],
            every="month",
            starts=_start(),
        )
    return path


def _fresh(template: Path, folder: Path, n: int) -> str:
    path = folder / f"sample{n}.db"
    shutil.copyfile(template, path)
    return str(path)


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _catch_up(db: str) -> tuple[float, float]:
    with Ledger.open(db, actor="bench") as book:
        first = _timed(book.run_recurring)
        assert len(book.history("Flat", limit=1000)) == MONTHS
        second = _timed(book.run_recurring)
    return first, second


def _one_by_one(db: str) -> float:
    start = _start()
    dates = [
        dt.date(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1)
        for k in range(MONTHS)
    ]
    with Ledger.open(db, actor="bench") as book:

        def record() -> None:
            for date in dates:
                book.record_expense(
                    "Flat",
                    description="Rent",
                    amount="1200",
                    paid_by=[("ann", None)],
                    date=date,
                    key=f"bench:{date}",
                )

        return _timed(record)


def _cli(db: str) -> float:
    command = [sys.executable, "-m", "splitledger", "--db", db, "recurring", "run"]
    return _timed(lambda: subprocess.run(command, check=True, capture_output=True))


def _figure(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    print(f"{name:<38} {statistics.median(ms):8.1f} ms  (min {ms[0]:.1f}, max {ms[-1]:.1f})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = _template(folder)
        catch, again, baseline, cli = [], [], [], []
        for n in range(args.runs):  # interleaved, so that a noisy spell hits all alike
            first, second = _catch_up(_fresh(template, folder, 4 * n))
            catch.append(first)
            again.append(second)
            baseline.append(_one_by_one(_fresh(template, folder, 4 * n + 1)))
            cli.append(_cli(_fresh(template, folder, 4 * n + 2)))
    print(f"{MONTHS} monthly occurrences, SQLite, {args.runs} samples each")
    _figure("run_recurring: catch-up", catch)
    _figure("run_recurring: nothing due (again)", again)
    _figure("baseline: record_expense x 120", baseline)
    _figure("CLI process: recurring run", cli)
    print(
        f"catch-up / baseline: {statistics.median(catch) / statistics.median(baseline):.2f}; "
        f"per occurrence {statistics.median(catch) / MONTHS * 1000:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
