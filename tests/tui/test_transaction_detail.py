"""The detail of a transaction after an edit made from it, and toasts that go."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from splitledger.tui.screens.transaction import TransactionScreen
from tests.tui.conftest import idle, make_app, open_history, until


async def test_an_edit_made_from_the_detail_shows_the_version_it_recorded(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(pilot)
        await pilot.press("enter")
        await idle(pilot)
        detail = app.screen
        assert isinstance(detail, TransactionScreen)
        old = detail.tx_id
        await pilot.press("e")
        await idle(pilot)
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        amount = form.query_one("#amount", Input)
        amount.value = str(int(float(amount.value.replace(",", ""))) + 1)
        await idle(pilot)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert id(app.screen) == id(detail)  # back on the same detail screen
        replacement = [t for t in demo.history("Lisbon trip", limit=100) if t.replaces_id == old]
        assert [t.id for t in replacement] == [detail.tx_id]  # the new version, not #old

        def head() -> str:
            return str(detail.query_one("#tx-head", Static).render())

        assert await until(pilot, lambda: f"new version of #{old}" in head()), head()


async def test_the_screen_repaints_once_a_toast_has_gone(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A toast that expires left its drawing on the detail screen until a scroll: the
    app repaints the current screen just after each toast's timeout."""
    repaints: list[bool] = []
    monkeypatch.setattr(SplitLedgerApp, "_repaint_after_toast", lambda self: repaints.append(True))
    app = make_app(demo)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await idle(pilot)
        app.notify("gone soon", timeout=0.2)
        assert repaints == []
        assert await until(pilot, lambda: bool(repaints), seconds=5)
