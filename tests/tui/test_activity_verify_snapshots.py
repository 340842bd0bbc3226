"""SVG snapshots of the activity screen and the ledger check (issue 15) on the
ten-member, three-currency group, at 80x24 and 120x40: the activity with an edit said
field by field (times pinned: they are the audit log's), and the check of a ledger with
one tampered transaction. Update after a deliberate change with
`.venv/bin/python -m pytest tests/tui/test_activity_verify_snapshots.py --snapshot-update`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pytest
from sqlalchemy import text
from textual.pilot import Pilot

from splitledger.services.ledger import Ledger
from splitledger.tui.commands import open_route
from splitledger.tui.screens import activity
from tests.tui.conftest import SIZES, SnapCompare, make_app, run
from tests.tui.money_trip import TRIP, money_trip

if TYPE_CHECKING:
    from splitledger.tui.app import SplitLedgerApp


@pytest.fixture
def travel(ledger: Ledger) -> Ledger:
    """The money trip with its dinner edited (amount and description)."""
    money_trip(ledger)
    dinner = ledger.history(TRIP, limit=10)[-1]
    ledger.edit_expense(dinner.id, amount="430", description="Dinner in Cusco [b]& pisco[/b]")
    return ledger


def check(pilot: Pilot[None]) -> None:
    """Open the ledger check as the palette's "Check the ledger" does."""
    open_route(cast("SplitLedgerApp", pilot.app), "verify")


@pytest.mark.parametrize("size", SIZES)
def test_activity(
    snap_compare: SnapCompare,
    travel: Ledger,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(activity, "when", lambda at: "2026-06-10 09:30")
    assert snap_compare(make_app(travel), terminal_size=size, run_before=run("l"))


@pytest.mark.parametrize("size", SIZES)
def test_verify_tampered(snap_compare: SnapCompare, travel: Ledger, size: tuple[int, int]) -> None:
    taxis = travel.history(TRIP, limit=10)[-2]
    with travel.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER transactions_no_update"))
        conn.execute(
            text(
                "UPDATE transactions SET description = 'Taxis [@click=app.quit]x[/]' WHERE id = :t"
            ),
            {"t": taxis.id},
        )
    assert snap_compare(make_app(travel), terminal_size=size, run_before=run(check))


@pytest.mark.parametrize("size", SIZES)
def test_verify_ok(snap_compare: SnapCompare, travel: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(travel), terminal_size=size, run_before=run(check))
