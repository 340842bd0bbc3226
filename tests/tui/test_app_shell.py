from __future__ import annotations

from textual.widgets import Static

from splitledger.tui.app import SplitLedgerApp


async def test_app_starts_shows_welcome_and_quits_on_q() -> None:
    app = SplitLedgerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        welcome = app.query_one("#welcome", Static)
        assert "splitledger" in str(welcome.render())
        await pilot.press("q")
    assert app.return_code == 0
