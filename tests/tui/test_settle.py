"""Settle up: the plan, marking transfers paid (once), CSV export and the text summary."""

from __future__ import annotations

import csv
import errno
import os
import sqlite3
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from splitledger.domain import Transfer
from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.tui import plan_csv
from splitledger.tui.plan_csv import write_plan
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.prompt import PromptScreen
from splitledger.tui.screens.settle import SettleScreen
from tests.tui.conftest import idle, make_app, until
from tests.tui.test_write_waits import saying

GROUP = "Lisbon trip"


async def open_settle(pilot: Pilot[None]) -> SettleScreen:
    await idle(pilot)
    await pilot.press("s")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SettleScreen)
    return screen


async def test_plan_is_shown_and_marking_paid_settles_everyone(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle(pilot)
        assert screen.summary().splitlines() == [
            "Dana pays Alice 175.81 EUR",
            "Chandra pays Alice 137.28 EUR",
            "Chandra pays Bob 24.90 EUR",
        ]
        assert screen.query_one("#plan", DataTable).row_count == 3
        await pilot.press("p", "y")  # the highlighted (first) one
        await idle(pilot)
        assert len(screen.plan) == 2
        assert all(t.payer == "Chandra" for t in screen.plan)
        await pilot.press("a", "y")
        await idle(pilot)
        assert screen.plan == []
    assert all(b.minor == 0 for b in demo.balances(GROUP).balances)
    payments = demo.history(GROUP, kind="payment")
    assert len(payments) == 4  # the demo's own one + three settlements


async def test_a_retried_mark_paid_records_once(demo: Ledger, db_path: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle(pilot)
        transfer = screen.plan[0]
        # As if a first attempt committed but its answer was lost: same plan, same key.
        with Ledger.open(str(db_path), actor="other") as other:
            other.record_settlement(GROUP, [transfer], key=screen._transfer_key(transfer))
        await pilot.press("p", "y")
        await idle(pilot)
        assert len(screen.plan) == 2
    assert len(demo.history(GROUP, kind="payment")) == 2


async def test_export_writes_a_new_csv_and_refuses_to_overwrite(
    demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settle(pilot)
        await pilot.press("x")
        await idle(pilot)
        await pilot.press("enter")  # the default name, in the current directory
        await idle(pilot)
        exported = tmp_path / "settle-lisbon-trip.csv"
        with exported.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert rows == [
            ["from", "to", "amount", "currency"],
            ["Dana", "Alice", "175.81", "EUR"],
            ["Chandra", "Alice", "137.28", "EUR"],
            ["Chandra", "Bob", "24.90", "EUR"],
        ]
        before = exported.read_bytes()
        await pilot.press("x")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert exported.read_bytes() == before
        assert isinstance(app.screen, PromptScreen)  # said in the dialog, which stays
        assert "already exists" in str(app.screen.query_one("#answer-error", Static).render())


def test_csv_cells_that_look_like_formulas_are_neutralised(tmp_path: Path) -> None:
    path = write_plan(tmp_path / "p.csv", [Transfer("=cmd", "+x", "JPY", 1200)])
    assert path.read_text(encoding="utf-8").splitlines()[1] == "'=cmd,'+x,1200,JPY"


async def test_copy_puts_the_summary_on_the_clipboard(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settle(pilot)
        await pilot.press("c")
        await idle(pilot)
        assert app.clipboard.startswith("Dana pays Alice 175.81 EUR\n")


async def test_the_exported_csv_is_owner_only(
    demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    umask = os.umask(0o022)  # a usual umask, which would make a plain new file 0644
    try:
        app = make_app(demo)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_settle(pilot)
            await pilot.press("x")
            await idle(pilot)
            await pilot.press("enter")
            await idle(pilot)
    finally:
        os.umask(umask)
    exported = out / "settle-lisbon-trip.csv"
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == [exported.name]  # no temporary file left


def test_a_failed_export_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half_written(out: TextIO, header: Sequence[str], rows: Iterable[object]) -> int:
        out.write("from,to,amount,currency\r\n=half")
        out.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plan_csv, "write_csv", half_written)
    with pytest.raises(InvalidInput, match="No space left on device"):
        write_plan(tmp_path / "p.csv", [Transfer("ann", "bob", "EUR", 1200)])
    assert list(tmp_path.iterdir()) == []


async def test_one_transfer_is_one_transfer(trip: Ledger) -> None:
    trip.record_payment(group="Trip", payer="ann", payee="bob", amount="5.00")
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle(pilot)
        status = str(screen.query_one("#settle-status", Static).render())
        assert status == "1 transfer settles everyone up:"
        await pilot.press("a")
        await idle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert question == "Record that bob pays ann 5.00 EUR?"


async def test_several_transfers_are_counted_in_the_plural(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle(pilot)
        status = str(screen.query_one("#settle-status", Static).render())
        assert status == "3 transfers settle everyone up:"
        await pilot.press("a")
        await idle(pilot)
        question = str(app.screen.query_one(".dialog-title", Static).render())
        assert question == "Record all 3 transfers as paid?"


# -- what you see is what is recorded (issue 13, finding 3) ----------------------------


def dialog_text(app: App[None]) -> str:
    screen = app.screen
    assert isinstance(screen, ConfirmScreen)
    return str(screen.query_one(".dialog-title", Static).render())


async def test_a_stale_mark_paid_records_nothing_and_says_what_changed(
    demo: Ledger, db_path: Path
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settle(pilot)
        dana = screen.plan[0]
        assert (dana.payer, dana.payee) == ("Dana", "Alice")
        await pilot.press("p")  # the dialog is up, and stays up while…
        await idle(pilot)
        with Ledger.open(str(db_path), actor="other") as other:  # …another terminal pays
            other.record_payment(group=GROUP, payer="Dana", payee="Alice", amount="175.81")
        await pilot.press("y")
        await idle(pilot)
        text = dialog_text(app)
        assert text.startswith("Nothing was recorded: the balances changed since this plan")
        assert "Dana: -175.81 EUR → 0.00 EUR" in text
        assert "no longer in the plan" in text
        assert screen.summary().splitlines() == [
            "Chandra pays Alice 137.28 EUR",
            "Chandra pays Bob 24.90 EUR",
        ]
        await pilot.press("enter")
        await idle(pilot)
        assert app.screen is screen
    payments = demo.history(GROUP, kind="payment")
    assert len(payments) == 2  # the demo's own and the other terminal's: not paid twice
    assert not any(b.minor > 0 and b.member == "Dana" for b in demo.balances(GROUP).balances)


async def test_a_stale_mark_all_paid_offers_the_plan_now(demo: Ledger, db_path: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_settle(pilot)
        await pilot.press("a")
        await idle(pilot)
        with Ledger.open(str(db_path), actor="other") as other:
            other.record_payment(group=GROUP, payer="Chandra", payee="Bob", amount="24.90")
        await pilot.press("y")
        await idle(pilot)
        text = dialog_text(app)
        assert "Chandra: -162.18 EUR → -137.28 EUR" in text
        assert "Bob: +24.90 EUR → 0.00 EUR" in text
        assert text.endswith(
            "The plan now:\n"
            "  Dana pays Alice 175.81 EUR\n"
            "  Chandra pays Alice 137.28 EUR\n\n"
            "Record all 2 transfers as paid?"
        )
        assert len(demo.history(GROUP, kind="payment")) == 2  # nothing recorded yet
        await pilot.press("y")
        await idle(pilot)
        assert screen.plan == []
    assert all(b.minor == 0 for b in demo.balances(GROUP).balances)
    assert len(demo.history(GROUP, kind="payment")) == 4


async def test_mark_all_paid_records_one_settlement(
    demo: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    record = Ledger.record_settlement

    def counted(self: Ledger, group: str, transfers: Sequence[Transfer], **kw: object) -> object:
        calls.append(len(transfers))
        return record(self, group, transfers, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Ledger, "record_settlement", counted)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settle(pilot)
        await pilot.press("a", "y")
        await idle(pilot)
        assert screen.plan == []
        assert any(n.message == "Recorded 3 payments." for n in app._notifications)
    assert calls == [3]  # one call: one database transaction, all or nothing


async def test_a_recording_that_waits_for_a_lock_says_so_and_escape_cancels_it(
    demo: Ledger, db_path: Path
) -> None:
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        app = make_app(demo)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_settle(pilot)
            other.execute("BEGIN IMMEDIATE")  # another terminal is writing
            await pilot.press("p", "y")
            assert await until(pilot, lambda: saying(app, "(another terminal is writing)"))
            await pilot.press("escape")
            await idle(pilot)
            assert app.screen is screen
            assert any(n.title == "Not saved" for n in app._notifications)
            other.execute("ROLLBACK")
            assert len(demo.history(GROUP, kind="payment")) == 1  # nothing was written
            await pilot.press("p", "y")
            await idle(pilot)
            assert len(screen.plan) == 2
    finally:
        other.close()
    assert len(demo.history(GROUP, kind="payment")) == 2
