"""SVG snapshots of issue 16's time screens on the demo trip, at 80x24 and 120x40: the
reports by month and by category (a bar picked, its members under the chart), the
balances as of a date, and the settle plan as of that date. Update after a deliberate
change with `.venv/bin/python -m pytest tests/tui/test_reports_snapshots.py
--snapshot-update`."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from splitledger.services.ledger import Ledger
from tests.tui.conftest import SIZES, SnapCompare, keys, make_app


async def as_of_june_2(pilot: Pilot[None]) -> None:
    await keys("d")(pilot)
    pilot.app.screen.query_one("#as-of", Input).value = "2026-06-02"
    await keys("enter")(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_reports_by_month(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys("t"))


@pytest.mark.parametrize("size", SIZES)
def test_reports_by_category(
    snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys("t", "c", "down"))


@pytest.mark.parametrize("size", SIZES)
def test_balances_as_of(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=as_of_june_2)


@pytest.mark.parametrize("size", SIZES)
def test_settle_as_of(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await as_of_june_2(pilot)
        await keys("s")(pilot)

    assert snap_compare(make_app(demo), terminal_size=size, run_before=run)
