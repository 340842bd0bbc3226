"""SVG snapshots of the expense form (issue 15) at 80x24 and 120x40: a bill in another
currency than the group's, and an itemised receipt of three lines with tax and tip.
Update after a deliberate change with `.venv/bin/python -m pytest
tests/tui/test_expense_form_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from splitledger.services.ledger import Ledger
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from tests.tui.conftest import SIZES, SnapCompare, idle, make_app
from tests.tui.expense_pilot import fill, open_form


async def still(pilot: Pilot[None], form: ExpenseFormScreen, selector: str) -> None:
    """Focus `selector` with a steady cursor (a blinking one makes the picture random)."""
    for field in form.query(Input):
        field.cursor_blink = False
    form.query_one(selector).focus()
    await idle(pilot)


async def in_yen(pilot: Pilot[None]) -> None:
    """Ramen in a EUR group, paid in JPY."""
    form = await open_form(pilot)
    fill(form, description="Ramen in Kyoto", amount="4,800", currency="JPY", category="food")
    await still(pilot, form, "#currency")


async def receipt(pilot: Pilot[None]) -> None:
    """Dinner: three lines (pizza for all, wine for two, a salad), tax and tip."""
    form = await open_form(pilot)
    fill(form, description="Dinner at Zé", amount="75.00", category="food")
    form.query_one("#mode", Select).value = "itemised"
    await idle(pilot)
    form.query_one("#item-desc-0", Input).focus()
    await pilot.press("ctrl+n")
    await pilot.press("ctrl+n")
    await idle(pilot)
    lines = [("Pizza", "36.00"), ("Wine", "18.00"), ("Salad", "9.00")]
    for index, (what, amount) in enumerate(lines):
        fill(form, **{f"item_desc_{index}": what, f"item_amount_{index}": amount})
    who = {1: (0, 1), 2: (2,)}  # wine: the first two; salad: the third alone
    for index, chosen in who.items():
        toggles = form.receipt.lines()[index].who
        toggles.set_chosen([toggles.members[i] for i in chosen])
    fill(form, tax="5.00", tip="7.00")
    await still(pilot, form, "#item-who-1")


@pytest.mark.parametrize("size", SIZES)
def test_expense_in_another_currency(
    snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=in_yen)


@pytest.mark.parametrize("size", SIZES)
def test_itemised_receipt(snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(demo), terminal_size=size, run_before=receipt)
