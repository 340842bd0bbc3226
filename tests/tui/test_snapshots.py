"""SVG snapshots of every screen on the demo data, at 80x24 and 120x40.

Deterministic: the demo has fixed dates, "today" is pinned, the header has no clock,
and the transaction detail (whose audit trail carries wall-clock times) is covered by
pilot tests instead. Update after a deliberate change with
`.venv/bin/python -m pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from splitledger.services.ledger import Ledger
from tests.tui.conftest import SIZES, SnapCompare, idle, make_app, run


async def percent_expense(pilot: Pilot[None]) -> None:
    await run("a")(pilot)
    screen = pilot.app.screen
    values = {"#description": "Fado night", "#amount": "80.00", "#category": "food"}
    for selector, value in values.items():
        screen.query_one(selector, Input).value = value
    screen.query_one("#mode", Select).value = "percent"
    await pilot.pause()
    for index, value in enumerate(["40", "30", "20", ""]):
        screen.query_one(f"#value-{index}", Input).value = value
    await idle(pilot)
    description = screen.query_one("#description", Input)
    description.cursor_blink = False  # a blinking cursor would make the picture random
    description.focus()
    await idle(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_welcome(snap_compare: SnapCompare, ledger: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(ledger), terminal_size=size, run_before=run())


@pytest.mark.parametrize("size", SIZES)
def test_balances(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=run())


@pytest.mark.parametrize("size", SIZES)
def test_expense_form(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=percent_expense)


@pytest.mark.parametrize("size", SIZES)
def test_history(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=run("h"))


@pytest.mark.parametrize("size", SIZES)
def test_settle(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=run("s"))


@pytest.mark.parametrize("size", SIZES)
def test_groups(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=run("g"))


@pytest.mark.parametrize("size", SIZES)
def test_members(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=run("m"))


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=run("question_mark"))
