"""The app's speed on a big group, driven headless by Textual's pilot.

- launch: from constructing the app to its balances screen showing the group's
  balances, against two baselines launched the same way, both after imports: `bare`, a
  bare Textual app (a header, one Static, a footer), and `bare_ledger`, the same app
  that opens the ledger in a thread worker, reads its groups and the first group's
  balances, and shows them as text: how much of the launch is opening the database.
  The samples are interleaved (ours, bare, bare_ledger, ours, …): the machine is noisy.
- history: from pressing `h` until the table is painted with the first page of rows
  (`history_open`), then from pressing `End` until the group's oldest transaction is
  the cursor row and the table has been painted with it (`history_end`). End reads
  the oldest page with one keyset query from the other end, whatever the size of the
  history. Memory stays bounded: the table holds at most `MAX_ROWS` rows
  (`rows_loaded`: the rows held after End).

Each figure is the median of the samples, with `_min` and `_max` keys beside it.

    .venv/bin/python -m bench.bench_tui DB   # a ledger with one big group
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Footer, Header, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.history import HistoryScreen
from splitledger.tui.widgets.balance_chart import BalanceChart
from splitledger.tui.widgets.lazy_table import LazyTable

SIZE = (100, 30)
#: Samples of each figure by default (history included); bench.run passes its own.
RUNS = 7


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello", id="hello")
        yield Footer()


class BareLedger(App[None]):
    """`Bare`, whose Static shows the first group's balances, read in a thread worker
    (opening the ledger there too), as the app does at start."""

    def __init__(self, db: str) -> None:
        super().__init__()
        self.db = db
        self.ledger: Ledger | None = None
        self.shown = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="hello")
        yield Footer()

    def on_mount(self) -> None:
        self.run_worker(self._open, thread=True)

    def _open(self) -> None:
        ledger = self.ledger = Ledger.open(self.db)
        groups = ledger.groups()
        view = ledger.balances(groups[0].name)
        text = "\n".join(f"{b.member}: {b.minor} {b.currency}" for b in view.balances)
        self.call_from_thread(self._show, f"{view.group}\n{text}")

    def _show(self, text: str) -> None:
        self.query_one("#hello", Static).update(text)
        self.shown = True

    async def on_unmount(self) -> None:
        if self.ledger is not None:
            await asyncio.to_thread(self.ledger.close)


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


async def _bare_ledger(db: str) -> float:
    start = time.perf_counter()
    app = BareLedger(db)
    async with app.run_test(size=SIZE):
        await _until(lambda: app.shown)
        return time.perf_counter() - start


def _oldest_id(db: str) -> int:
    with Ledger.open(db) as ledger:
        group = ledger.groups()[0].name
        return ledger.history(group, limit=1, oldest=True)[0].id


async def _history(db: str, oldest: int) -> tuple[float, float, int]:
    """Press h, then End; each timed until the table is painted (`LazyTable.render_lines`
    has run) with what the key is for: rows, then the oldest transaction under the
    cursor. (Not until the pilot's `press` returns: it waits for the app to idle, in
    steps of 20 ms.)"""
    app = SplitLedgerApp(db)
    painted: list[float] = []
    wanted: list[Callable[[LazyTable], bool]] = []
    render_lines = LazyTable.render_lines

    def watched(table: LazyTable, crop: Region) -> list[Strip]:
        lines = render_lines(table, crop)
        if wanted and wanted[-1](table):
            painted.append(time.perf_counter())
            wanted.clear()
        return lines

    def on_oldest(table: LazyTable) -> bool:
        """The oldest transaction is the cursor row, and that row is in view."""
        screen = table.screen
        tx = screen.highlighted() if isinstance(screen, HistoryScreen) else None
        rows_shown = table.scrollable_content_region.height - 1
        in_view = table.scroll_y <= table.cursor_row < table.scroll_y + rows_shown
        return tx is not None and tx.id == oldest and in_view

    LazyTable.render_lines = watched  # type: ignore[method-assign,assignment]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _until(lambda: bool(app.screen.query(BalanceChart)))
            wanted.append(lambda table: table.row_count > 0)
            start = time.perf_counter()
            await pilot.press("h")
            await _until(lambda: bool(painted))
            opened = painted.pop() - start
            table = app.screen.query_one(LazyTable)
            wanted.append(on_oldest)
            start = time.perf_counter()
            await pilot.press("end")
            await _until(lambda: bool(painted))
            return opened, painted.pop() - start, table.row_count
    finally:
        LazyTable.render_lines = render_lines  # type: ignore[method-assign]


def _figures(name: str, samples: list[float]) -> dict[str, float]:
    return {
        name: statistics.median(samples),
        f"{name}_min": min(samples),
        f"{name}_max": max(samples),
    }


def measure(db: str, runs: int = RUNS) -> dict[str, float]:
    oldest = _oldest_id(db)
    launch: list[float] = []
    bare: list[float] = []
    bare_ledger: list[float] = []
    history: list[tuple[float, float, int]] = []
    for _ in range(runs):
        launch.append(asyncio.run(_launch(db)))
        bare.append(asyncio.run(_bare()))
        bare_ledger.append(asyncio.run(_bare_ledger(db)))
        history.append(asyncio.run(_history(db, oldest)))
    return {
        **_figures("launch", launch),
        **_figures("bare", bare),
        **_figures("bare_ledger", bare_ledger),
        **_figures("history_open", [h[0] for h in history]),
        **_figures("history_end", [h[1] for h in history]),
        "rows_loaded": float(max(h[2] for h in history)),
        "samples": float(runs),
    }


if __name__ == "__main__":
    for key, value in measure(sys.argv[1]).items():
        shown = f"{value:.0f}" if key in ("rows_loaded", "samples") else f"{value * 1000:.1f} ms"
        print(f"{key:20} {shown}")
