"""Fixtures for the app's tests: a real SQLite ledger file per test (logs are kept
private by tests/conftest.py), another terminal's connection to it, the app with a
pinned "today" and a helper that waits until every worker is done."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerState

from splitledger.services.demo import load_demo
from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.jobs import workers_finished
from splitledger.tui.screens.history import HistoryScreen
from tests.databases import migrated_sqlite

TODAY = dt.date(2026, 6, 10)
_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


@pytest.fixture(autouse=True)
def _slow_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Live refresh polls rarely in tests unless a test asks for it."""
    monkeypatch.setattr(SplitLedgerApp, "POLL_SECONDS", 30.0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "ledger.db"


@pytest.fixture
def ledger(db_path: Path, sqlite_template: Path) -> Iterator[Ledger]:
    """The app's tests run on SQLite only: a new ledger at `db_path` (`trip`, from
    tests/conftest.py, adds a group to it)."""
    migrated_sqlite(sqlite_template, db_path)
    with Ledger.open(str(db_path), actor="tester") as opened:
        yield opened


@pytest.fixture
def other(db_path: Path, trip: Ledger) -> Iterator[sqlite3.Connection]:
    """Another terminal's connection to the ledger (it takes the lock when told)."""
    connection = sqlite3.connect(db_path, isolation_level=None)
    try:
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


@pytest.fixture
def demo(ledger: Ledger) -> Ledger:
    load_demo(ledger)
    return ledger


def make_app(ledger: Ledger | None = None, target: str | None = None) -> SplitLedgerApp:
    app = SplitLedgerApp(target, ledger=ledger)
    app.today = lambda: TODAY
    return app


async def idle(pilot: Pilot[None]) -> None:
    """Wait until no worker runs and the screen has caught up with their results."""
    for _ in range(8):
        await workers_finished(pilot.app)
        await pilot.pause()
        if not any(w.state in _BUSY for w in pilot.app.workers):
            return


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press each of `keys`, the app idle before and after each."""
    for key in keys:
        await idle(pilot)
        await pilot.press(key)
    await idle(pilot)


def on_top(app: App[None]) -> Screen[object]:
    """The screen on top (a call, so that mypy does not narrow `app.screen`)."""
    return app.screen


async def until(pilot: Pilot[None], condition: Callable[[], bool], seconds: float = 10) -> bool:
    """Whether `condition` comes true within `seconds` (an upper bound, not a wait).

    For what follows a refresh, not a worker: `idle` cannot promise that on a busy
    machine, since Textual's wait for idle reads a process starved of CPU as idle."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


#: The terminal sizes every snapshot is taken at.
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
#: pytest-textual-snapshot's `snap_compare` fixture.
SnapCompare = Callable[..., bool]


def run(*steps: str | Callable[[Pilot[None]], object]) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A snapshot's `run_before`: each step a key to press or a function of the pilot,
    the app idle before and after each."""

    async def go(pilot: Pilot[None]) -> None:
        await idle(pilot)
        for step in steps:
            if isinstance(step, str):
                await pilot.press(step)
            else:
                step(pilot)
            await idle(pilot)
        await idle(pilot)

    return go


def steady_cursors(pilot: Pilot[None]) -> None:
    """Hold every input's cursor still: a blinking one would make a picture random."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def keys(*pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """`run` of key presses, with the inputs' cursors held still at the end."""
    return run(*pressed, steady_cursors)


async def open_history(pilot: Pilot[None]) -> HistoryScreen:
    """Press `h` on the balances and return the history screen once it is up."""
    await idle(pilot)
    await pilot.press("h")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen
