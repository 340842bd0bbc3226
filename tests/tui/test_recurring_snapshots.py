"""SVG snapshots of the recurring bills (issue 16) at 80x24 and 120x40: the Recurring
screen of a flat (rent on the 31st with bills due, power on the 15th, a paused weekly
cleaning, an ended subscription), the expense form in repeat mode with its rule said in
words, and the offer of the due bills above the balances. "Today" is pinned (the app's
and the schedules'). Update after a deliberate change with
`.venv/bin/python -m pytest tests/tui/test_recurring_snapshots.py --snapshot-update`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from splitledger.services.ledger import Ledger
from splitledger.tui.commands import open_route
from tests.tui.conftest import SIZES, TODAY, SnapCompare, make_app, run

if TYPE_CHECKING:
    from splitledger.tui.app import SplitLedgerApp

FLAT = "Flat [b]42[/b]"


def flat(ledger: Ledger) -> Ledger:
    """A flat of three with four recurring bills; today is `TODAY` (2026-06-10)."""
    ledger.today_override = TODAY
    ledger.create_group(FLAT, "EUR", ["Ana", "Ben", "Caro"])

    def add(description: str, amount: str, payer: str, every: str, starts: dt.date) -> int:
        view = ledger.add_schedule(
            FLAT,
            description=description,
            amount=amount,
            paid_by=[(payer, None)],
            every=every,
            starts=starts,
            **({"day_of_month": 31} if description == "Rent" else {}),  # type: ignore[arg-type]
        )
        return view.id

    add("Rent", "1,350.00", "Ana", "month", dt.date(2026, 1, 31))
    add("Power", "84.20", "Ben", "month", dt.date(2026, 6, 15))
    cleaning = add("Cleaning", "45", "Caro", "week", dt.date(2026, 5, 4))
    ledger.run_recurring(FLAT, through=dt.date(2026, 5, 31))
    ledger.pause_schedule(cleaning, on=dt.date(2026, 6, 1))
    stream = add("Streaming [@click=app.quit]x[/]", "12.99", "Ana", "month", dt.date(2026, 2, 1))
    ledger.end_schedule(stream, on=dt.date(2026, 4, 30))
    # Rent's June bill is due on the 30th: not yet. Nothing is due now but…
    ledger.add_schedule(
        FLAT,
        description="Internet",
        amount="39.90",
        paid_by=[("Caro", None)],
        every="month",
        starts=dt.date(2026, 3, 5),
    )  # …Internet's 5 Mar, 5 Apr, 5 May and 5 Jun
    return ledger


def recurring(pilot: Pilot[None]) -> None:
    open_route(cast("SplitLedgerApp", pilot.app), "recurring")


def fill_rent(pilot: Pilot[None]) -> None:
    form = pilot.app.screen
    for name, value in (
        ("#description", "Rent"),
        ("#amount", "1350"),
        ("#date", "2026-01-31"),
        ("#day-of-month", "31"),
        ("#count", "12"),
    ):
        form.query_one(name, Input).value = value
    form.query_one("#description", Input).focus()


@pytest.mark.parametrize("size", SIZES)
def test_recurring_screen(snap_compare: SnapCompare, ledger: Ledger, size: tuple[int, int]) -> None:
    app = make_app(flat(ledger))
    assert snap_compare(app, terminal_size=size, run_before=run("n", recurring))


@pytest.mark.parametrize("size", SIZES)
def test_recurring_form(snap_compare: SnapCompare, ledger: Ledger, size: tuple[int, int]) -> None:
    app = make_app(flat(ledger))
    assert snap_compare(app, terminal_size=size, run_before=run("n", recurring, "a", fill_rent))


@pytest.mark.parametrize("size", SIZES)
def test_due_offer(snap_compare: SnapCompare, ledger: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(flat(ledger)), terminal_size=size, run_before=run())
