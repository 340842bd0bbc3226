"""SVG snapshots of the money screens (issue 15) on a ten-member group that spent in
three currencies, at 80x24 and 120x40: the rates, the settle-in-one-currency preview,
and a payment prefilled from a plan line. Update after a deliberate change with
`.venv/bin/python -m pytest tests/tui/test_money_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from splitledger.services.ledger import Ledger
from splitledger.tui.screens import settle_in
from tests.tui.conftest import SIZES, SnapCompare, keys, make_app
from tests.tui.money_trip import money_trip


@pytest.fixture
def travel(ledger: Ledger) -> Ledger:
    return money_trip(ledger)


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
