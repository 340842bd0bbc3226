"""Names and text that look like markup ("[/b]", "[red") are shown as typed on every
screen; they never break rendering (a markup error would end the app)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input

from splitledger.services.ledger import Ledger
from tests.tui.conftest import idle, make_app

GROUP = "[/b] Flat [red"
ODD = ("[/x]ann", "bob [b]", "=cy")


async def test_markup_like_names_and_text_render_on_every_screen(ledger: Ledger) -> None:
    ledger.create_group(GROUP, "EUR", ODD)
    ledger.record_expense(
        group=GROUP,
        description="[/i] cake [link=x]",
        amount="9.00",
        paid_by=((ODD[0], None),),
        category="[/u]",
        date=dt.date(2026, 6, 1),
    )
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        for keys in (("m",), ("g",), ("s",), ("h",), ("h", "enter"), ("question_mark",)):
            await idle(pilot)
            await pilot.press(*keys)
            await idle(pilot)
            assert app.is_running, keys
            while len(app.screen_stack) > 2:
                await pilot.press("escape")
                await idle(pilot)
        await pilot.press("a")
        await idle(pilot)
        form = app.screen
        form.query_one("#description", Input).value = "x"
        form.query_one("#amount", Input).value = "[/b]"  # an error message quoting it
        form.query_one("#date", Input).value = "[/b]"
        await idle(pilot)
        assert app.is_running
        await pilot.press("escape", "s", "x")
        await idle(pilot)
        assert app.is_running
