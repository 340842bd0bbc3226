"""Hostile text on the recurring screens (issue 16): markup, an action, a 500-character
description and text an older version could have stored (escape sequences, a bidi
override, C1 controls) are drawn as plain, visible characters on the Recurring screen,
its detail line and the offer of the due bills, at 80x24 and 120x40."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from splitledger.services.ledger import Ledger
from splitledger.tui.commands import open_route
from splitledger.tui.due_offer import DueOffer
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.recurring import RecurringScreen
from tests.tui.conftest import TODAY, idle, make_app
from tests.tui.test_hostile_text import LEGACY_DESCRIPTION, _legacy, _rendered

BOLD, CLICK = "[bold]x[/]", "[@click=app.quit]q[/]"
LONG = ("東京タワー🍕 [b]x[/] " * 40)[:500]


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Ledger]:
    db = tmp_path / "hostile.db"
    with Ledger.open(str(db), actor="tester") as ledger:
        ledger.create_group("Flat", "EUR", ["ann", "bob"])
        for description in (f"{BOLD} {CLICK}", LONG, "legacy-description"):
            ledger.add_schedule(
                "Flat",
                description=description,
                amount="10",
                paid_by=[("ann", None)],
                every="month",
                starts=dt.date(2026, 4, 1),
            )
    _legacy(
        db,
        [
            (
                "UPDATE recurring_schedules SET description = ? "
                "WHERE description = 'legacy-description'",
                (LEGACY_DESCRIPTION,),
            )
        ],
    )
    with Ledger.open(str(db), actor="tester") as ledger:
        ledger.today_override = TODAY
        yield ledger


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_recurring_text_is_plain_and_visible(hostile: Ledger, size: tuple[int, int]) -> None:
    app = make_app(hostile)
    async with app.run_test(size=size) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.screen.query(DueOffer)  # 3 bills × April, May, June
        drawn = _rendered(app)
        assert f"{BOLD} {CLICK}" in drawn  # the first listed: as typed, not markup
        open_route(app, "recurring")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, RecurringScreen)
        drawn = _rendered(app)
        assert "[bold]x[/]" in drawn
        assert "\x1b" not in drawn
        for _ in range(3):  # the detail line of each, long and legacy ones included
            await pilot.press("down")
            await idle(pilot)
            _rendered(app)
        assert app.is_running
        assert app._exception is None
