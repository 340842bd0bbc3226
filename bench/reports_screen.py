"""The Reports screen on the 100,000-expense group (bench/time_ledger.py's build), driven
headless by Textual's pilot, against its baseline in the same run: the service call the
screen makes (`Ledger.spending_report` and `closed_through`), timed alone.

- open: from pressing `t` on the balances until the chart shows the year's months;
- step: from pressing ← (a year back, by month) until the chart shows that year;
- category: from pressing `c` until the month's categories are drawn;
- all: from pressing `w` (by month, from a year to all dates: ~70 months) until drawn;
- no-op key: an unbound key pressed, the pilot's own cost in each figure above.

Each figure is the median of the samples (min–max beside it); screen and service samples
are interleaved (the machine is noisy).

    .venv/bin/python -m bench.reports_screen [--expenses 100000] [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from bench.time_ledger import GROUP, build
from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.jobs import workers_finished
from splitledger.tui.screens.reports import ReportsScreen, period_of
from splitledger.tui.widgets.bars import Bars

SIZE = (100, 30)


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    for _ in range(4000):
        if done():
            return
        await pilot.pause(0.001)
    raise TimeoutError("the screen never showed it")


def _title(app: SplitLedgerApp) -> str:
    screen = app.screen
    return f"{screen.view} {screen.period.text()}" if isinstance(screen, ReportsScreen) else ""


async def _timed(pilot: Pilot[None], keys: tuple[str, ...], want: Callable[[], bool]) -> float:
    start = time.perf_counter()
    await pilot.press(*keys)
    await _until(pilot, want)
    return (time.perf_counter() - start) * 1000


def _drawn(app: SplitLedgerApp, title: str) -> Callable[[], bool]:
    """The chart shows the report of `title` (view and period), with its bars."""

    def done() -> bool:
        screen = app.screen
        if not isinstance(screen, ReportsScreen) or _title(app) != title:
            return False
        report = screen.report
        return (
            report is not None
            and (report.by[0], report.date_from) == (screen.view, screen.period.first)
            and bool(screen.query_one(Bars).bars)
        )

    return done


async def screen_round(ledger: Ledger, today: dt.date) -> dict[str, float]:
    app = SplitLedgerApp(ledger=ledger)
    app.today = lambda: today
    year, month = today.year, today.strftime("%B")
    found: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:
        await workers_finished(app)
        await pilot.pause()
        found["open"] = await _timed(pilot, ("t",), _drawn(app, f"month {year}"))
        found["step"] = await _timed(pilot, ("left",), _drawn(app, f"month {year - 1}"))
        found["category"] = await _timed(pilot, ("c",), _drawn(app, f"category {month} {year - 1}"))
        await pilot.press("m")
        await workers_finished(app)
        found["all"] = await _timed(pilot, ("w",), _drawn(app, "month all dates"))
        # The pilot's own cost of a key press (an unbound key: nothing to do).
        found["no-op key"] = await _timed(pilot, ("x",), lambda: True)
    return found


def service_round(ledger: Ledger, today: dt.date) -> dict[str, float]:
    found: dict[str, float] = {}
    year = period_of("year", today)
    for name, by, first, last in (
        ("open", "month", year.first, year.last),
        ("step", "month", year.step(-1).first, year.step(-1).last),
        ("category", "category", today.replace(year=today.year - 1, day=1), None),
        ("all", "month", None, None),
    ):
        start = time.perf_counter()
        ledger.spending_report(GROUP, by=by, date_from=first, date_to=last)
        ledger.closed_through(GROUP)
        found[name] = (time.perf_counter() - start) * 1000
    return found


def _line(name: str, samples: list[float]) -> str:
    return (
        f"{name:<22} {statistics.median(samples):8.1f} ms  ({min(samples):.1f}–{max(samples):.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--expenses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "big.db")
        txs, postings, _first, last = build(path, args.expenses)
        print(f"{txs:,} transactions, {postings:,} postings, through {last}")
        screen: dict[str, list[float]] = {}
        service: dict[str, list[float]] = {}
        with Ledger.open(path, actor="bench") as ledger:
            for _ in range(args.runs):
                for name, ms in asyncio.run(screen_round(ledger, last)).items():
                    screen.setdefault(name, []).append(ms)
                for name, ms in service_round(ledger, last).items():
                    service.setdefault(name, []).append(ms)
        for name in screen:
            print(_line(f"screen {name}", screen[name]))
            if name in service:
                print(_line(f"  service {name}", service[name]))


if __name__ == "__main__":
    main()
