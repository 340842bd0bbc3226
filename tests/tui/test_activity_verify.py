"""The activity screen (`l` on the balances, or the palette's "Activity") and the ledger
check (the palette's "Check the ledger"): what they show, paging, a tampered ledger, and
hostile text shown plainly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.commands import open_route
from splitledger.tui.screens import activity as activity_module
from splitledger.tui.screens.activity import ActivityScreen
from splitledger.tui.screens.verify import VerifyScreen
from tests.tui.conftest import idle, make_app

HOSTILE = "[bold]x[/] [@click=app.quit]q[/] " + "n" * 40


def edited_trip(ledger: Ledger) -> Ledger:
    """Trip (ann, bob, cy) with a dinner edited twice (amount, then description)."""
    ledger.create_group("Trip", "EUR", ["ann", "bob", "cy"])
    tx = ledger.record_expense(
        group="Trip",
        description="Dinner",
        amount="30",
        paid_by=[("ann", None)],
        date=dt.date(2026, 6, 1),
    )
    edited = ledger.edit_expense(tx.id, amount="45")
    assert edited.tx is not None
    ledger.edit_expense(edited.tx.id, description=HOSTILE)
    return ledger


def cells(screen: ActivityScreen | VerifyScreen, table_id: str) -> list[list[str]]:
    table = screen.query_one(f"#{table_id}", DataTable)
    return [
        [str(getattr(c, "plain", c)) for c in table.get_row_at(i)] for i in range(table.row_count)
    ]


def status(screen: ActivityScreen | VerifyScreen, widget_id: str) -> str:
    return str(screen.query_one(f"#{widget_id}", Static).render())


async def open_activity(pilot: Pilot[None]) -> ActivityScreen:
    await idle(pilot)
    await pilot.press("l")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ActivityScreen)
    return screen


async def test_activity_shows_edits_field_by_field_newest_first(ledger: Ledger) -> None:
    app = make_app(edited_trip(ledger))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_activity(pilot)
        rows = cells(screen, "activity")
        kinds = [row[2] for row in rows]
        assert kinds == ["edited", "edited", "recorded", "group created"]
        assert all(row[1] == "tester" for row in rows)
        newest, older = rows[0][3], rows[1][3]
        assert f"description: Dinner → {HOSTILE}" in newest
        assert "amount: 30.00 EUR → 45.00 EUR" in older
        assert status(screen, "activity-status") == "4 changes, newest first."
        await pilot.press("m")  # nothing older: said, nothing breaks
        await idle(pilot)
        await pilot.press("escape")
        await idle(pilot)
        assert not isinstance(app.screen, ActivityScreen)


async def test_activity_pages_with_m(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activity_module, "PAGE", 3)
    ledger.create_group("Trip", "EUR", ["ann", "bob"])
    for n in range(7):
        ledger.record_expense(
            group="Trip", description=f"bill {n}", amount="1", paid_by=[("ann", None)]
        )
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_activity(pilot)
        assert [row[3] for row in cells(screen, "activity")] == ["bill 6", "bill 5", "bill 4"]
        assert status(screen, "activity-status").endswith("m reads older ones.")
        await pilot.press("m")
        await idle(pilot)
        await pilot.press("m")
        await idle(pilot)
        shown = [row[3] for row in cells(screen, "activity")]
        assert shown[:7] == [f"bill {n}" for n in range(6, -1, -1)]
        assert len(shown) == 8  # and the group's creation
        assert screen.before is None
        assert status(screen, "activity-status") == "8 changes, newest first."
        # A write elsewhere: the live reload reads as many as are shown, newest first.
        ledger.record_expense(group="Trip", description="late", amount="1", paid_by=[("bob", None)])
        screen.reload()
        await idle(pilot)
        assert cells(screen, "activity")[0][3] == "late"
        assert len(cells(screen, "activity")) == 8
        assert screen.before is not None  # the group's creation is one page further


async def test_hostile_text_is_shown_plainly(ledger: Ledger, db_path: Path) -> None:
    edited_trip(ledger)
    with Ledger.open(str(db_path), actor="[@click=app.quit]m[/]") as other:
        other.rename_member("Trip", "cy", "[bold]cy[/]")
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_activity(pilot)
        table = screen.query_one("#activity", DataTable)
        cell = table.get_row_at(1)[3]
        assert HOSTILE in cell.plain
        assert not any("@click" in str(span.style) for span in cell.spans)
        renamed = next(row for row in cells(screen, "activity") if row[2] == "member renamed")
        assert renamed[1] == "[@click=a…"  # the actor, cut to its column
        assert renamed[3] == "[bold]cy[/]\nname: cy → [bold]cy[/]"
        await pilot.click("#activity", offset=(60, 2))  # nothing actionable in it
        await idle(pilot)
        assert app.is_running


async def test_the_palette_routes_open_both_screens(ledger: Ledger) -> None:
    app = make_app(edited_trip(ledger))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        open_route(app, "activity")
        await idle(pilot)
        assert isinstance(app.screen, ActivityScreen)
        open_route(app, "verify")
        await idle(pilot)
        assert isinstance(app.screen, VerifyScreen)
        assert app.screen.report is not None
        assert app.screen.report.ok


async def test_verify_says_ok_with_the_counts(ledger: Ledger) -> None:
    app = make_app(edited_trip(ledger))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        app.push_screen(VerifyScreen())
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, VerifyScreen)
        report = ledger.verify()
        assert status(screen, "verify-status") == (
            f"OK: {report.transactions_checked} transactions and "
            f"{report.postings_checked} postings check out."
        )
        assert not screen.query_one("#problems", DataTable).display


async def test_verify_lists_the_problems_of_a_tampered_ledger(ledger: Ledger) -> None:
    edited_trip(ledger)
    tx = ledger.record_expense(group="Trip", description="x", amount="9", paid_by=[("bob", None)])
    with ledger.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER transactions_no_update"))
        conn.execute(
            text("UPDATE transactions SET description = :d WHERE id = :t"),
            {"d": HOSTILE, "t": tx.id},
        )
    app = make_app(ledger)
    async with app.run_test(size=(120, 40)) as pilot:
        await idle(pilot)
        app.push_screen(VerifyScreen())
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, VerifyScreen)
        assert status(screen, "verify-status").startswith("1 problem found in ")
        rows = cells(screen, "problems")
        assert [(r[0], r[1], r[2]) for r in rows] == [("tampered", f"#{tx.id}", "Trip")]
        # Checking again, after the ledger is repaired, says so.
        with ledger.engine.begin() as conn:
            conn.execute(
                text("UPDATE transactions SET description = 'x' WHERE id = :t"), {"t": tx.id}
            )
        await pilot.press("r")
        await idle(pilot)
        assert status(screen, "verify-status").startswith("OK: ")
