"""The app's speed on a big group, driven headless by Textual's pilot.

- launch: from constructing the app to its balances screen showing the group's
  balances, against a bare Textual app (a header, one Static, a footer) launched the
  same way; both after imports.
- history: from pressing `h` to the first page of rows, then `End` (the table's last
  loaded row, which asks for the next page) until that page is in; memory stays bounded
  because pages of 100 rows load on demand (never the whole history).

    .venv/bin/python -m bench.bench_tui DB   # a ledger with one big group
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.history import HistoryScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from splitledger.tui.widgets.lazy_table import LazyTable

SIZE = (100, 30)


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello", id="hello")
        yield Footer()


async def _until(condition: Callable[[], bool], limit: float = 30.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the screen never got there")
        await asyncio.sleep(0.001)


async def _launch(db: str) -> float:
    start = time.perf_counter()
    app = SplitLedgerApp(db)
    async with app.run_test(size=SIZE):

        def shown() -> bool:
            charts = app.screen.query(BalanceChart)
            return bool(charts) and charts.first().view is not None

        await _until(shown)
        return time.perf_counter() - start


async def _bare() -> float:
    start = time.perf_counter()
    app = Bare()
    async with app.run_test(size=SIZE):
        await _until(lambda: bool(app.screen.query("#hello")))
        return time.perf_counter() - start


async def _history(db: str) -> tuple[float, float, int]:
    app = SplitLedgerApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await _until(lambda: bool(app.screen.query(BalanceChart)))
        start = time.perf_counter()
        await pilot.press("h")
        await _until(
            lambda: (
                isinstance(app.screen, HistoryScreen)
                and app.screen.query_one(LazyTable).row_count > 0
            )
        )
        opened = time.perf_counter() - start
        table = app.screen.query_one(LazyTable)
        before = table.row_count
        start = time.perf_counter()
        await pilot.press("end")
        await _until(lambda: table.row_count > before)
        return opened, time.perf_counter() - start, table.row_count


def measure(db: str, runs: int = 5) -> dict[str, float]:
    launch = [asyncio.run(_launch(db)) for _ in range(runs)]
    bare = [asyncio.run(_bare()) for _ in range(runs)]
    history = [asyncio.run(_history(db)) for _ in range(max(2, runs // 2))]
    return {
        "launch": statistics.median(launch),
        "bare": statistics.median(bare),
        "history_open": statistics.median(h[0] for h in history),
        "history_end": statistics.median(h[1] for h in history),
        "rows_loaded": float(history[-1][2]),
    }


if __name__ == "__main__":
    print(measure(sys.argv[1]))
