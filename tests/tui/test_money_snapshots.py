"""SVG snapshots of the money screens (issue 15) on a ten-member group that spent in
three currencies, at 80x24 and 120x40: the rates, the settle-in-one-currency preview,
and a payment prefilled from a plan line. Update after a deliberate change with
`.venv/bin/python -m pytest tests/tui/test_money_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from splitledger.services.ledger import Ledger
from splitledger.tui.screens import settle_in
from tests.tui.conftest import idle, make_app
from tests.tui.money_trip import money_trip

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
SnapCompare = Callable[..., bool]


@pytest.fixture
def travel(ledger: Ledger) -> Ledger:
    return money_trip(ledger)


def keys(*pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await idle(pilot)
        for key in pressed:
            await pilot.press(key)
            await idle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture random
        await idle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_rates(snap_compare: SnapCompare, travel: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(travel), terminal_size=size, run_before=keys("r"))


@pytest.mark.parametrize("size", SIZES)
def test_settle_in(
    snap_compare: SnapCompare,
    travel: Ledger,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The key picks who gets a conversion's odd cent: pinned, for a stable picture.
    monkeypatch.setattr(settle_in, "new_base_key", lambda: "tui-settle-in:snapshot")
    assert snap_compare(make_app(travel), terminal_size=size, run_before=keys("i"))


@pytest.mark.parametrize("size", SIZES)
def test_payment(snap_compare: SnapCompare, travel: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(travel), terminal_size=size, run_before=keys("s", "down", "e"))
