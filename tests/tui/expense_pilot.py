"""Driving the expense form under the pilot: open it (new or on a bill), fill fields,
read what a Static shows. Shared by the form's tests and its snapshots."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static

from splitledger.services.views import TxView
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from tests.tui.conftest import idle


async def open_form(pilot: Pilot[None]) -> ExpenseFormScreen:
    """The form for a new expense, opened with `a` from the balances."""
    await idle(pilot)
    await pilot.press("a")
    await idle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ExpenseFormScreen)
    return form


async def open_edit(pilot: Pilot[None], tx: TxView) -> ExpenseFormScreen:
    """The form on `tx`, once its definition is read."""
    await idle(pilot)
    pilot.app.push_screen(ExpenseFormScreen(editing=tx))
    await idle(pilot)
    form = pilot.app.screen
    assert isinstance(form, ExpenseFormScreen)
    return form


def fill(form: ExpenseFormScreen, **values: str) -> None:
    """Type `values` into the inputs they name (`paid_by` is `#paid-by`)."""
    for name, value in values.items():
        form.query_one(f"#{name.replace('_', '-')}", Input).value = value


def text_of(form: ExpenseFormScreen, selector: str) -> str:
    """What the Static `selector` shows ("" while it is hidden)."""
    widget = form.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""
