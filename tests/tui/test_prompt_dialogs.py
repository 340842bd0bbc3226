"""One-line dialogs that act on their answer (add members, rename a member or a group,
export the settle-up plan): a refusal is said inside the dialog, under the field, in
words a user knows; what was typed stays; the dialog closes only once the write, run in
a worker, succeeded."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from splitledger.services.errors import InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.groups import GroupsScreen
from splitledger.tui.screens.members import MembersScreen
from splitledger.tui.screens.prompt import PromptScreen
from splitledger.tui.screens.settle import SettleScreen
from tests.tui.conftest import idle, make_app, on_top, press, until
from tests.tui.test_hostile_text import look
from tests.tui.test_write_waits import saying

GROUP = "Lisbon trip"
MARKUP, CLICK = "[bold]x[/]", "[@click=app.quit]q[/]"


def prompt_of(app: SplitLedgerApp) -> PromptScreen:
    screen = app.screen
    assert isinstance(screen, PromptScreen), screen
    return screen


def error_of(prompt: PromptScreen) -> str:
    """The dialog's error line, as drawn ('' when it shows none)."""
    line = prompt.query_one("#answer-error", Static)
    return str(line.render()) if line.display else ""


async def answer(pilot: Pilot[None], text: str) -> PromptScreen:
    """Type `text` into the open dialog (replacing what it holds) and press Enter."""
    prompt = prompt_of(pilot.app)  # type: ignore[arg-type]
    prompt.query_one("#answer", Input).value = ""
    await press(pilot, *text, "enter")
    return prompt


async def open_members(pilot: Pilot[None]) -> MembersScreen:
    await press(pilot, "m")
    screen = pilot.app.screen
    assert isinstance(screen, MembersScreen)
    return screen


async def test_refused_new_members_keep_the_dialog_and_the_names(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        members = await open_members(pilot)
        await press(pilot, "a")
        prompt = await answer(pilot, "Eve, alice")
        assert on_top(app) is prompt  # still open…
        assert prompt.query_one("#answer", Input).value == "Eve, alice"  # …with the names
        assert "'alice' reads the same as 'Alice'" in error_of(prompt)
        assert prompt.focused is prompt.query_one("#answer", Input)
        assert not app._notifications  # said in the dialog, not in a toast
        assert demo.group(GROUP).members == ("Alice", "Bob", "Chandra", "Dana")

        await answer(pilot, "Eve")  # corrected: added, and the dialog closes
        assert on_top(app) is members
        assert app.group is not None
        assert app.group.members == ("Alice", "Bob", "Chandra", "Dana", "Eve")
        assert "Eve" in members._names  # the table was read again
    assert demo.group(GROUP).members == ("Alice", "Bob", "Chandra", "Dana", "Eve")


async def test_a_list_without_names_is_said_in_the_dialog(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot)
        await press(pilot, "a")
        prompt = await answer(pilot, ", ,")
        assert on_top(app) is prompt
        assert "Type a name" in error_of(prompt)


async def test_a_taken_name_keeps_the_rename_dialog(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        members = await open_members(pilot)
        await press(pilot, "r")  # the highlighted one: Alice
        prompt = await answer(pilot, "bob")
        assert on_top(app) is prompt
        assert prompt.query_one("#answer", Input).value == "bob"
        assert "'bob' reads the same as 'Bob'" in error_of(prompt)
        assert not app._notifications
        await answer(pilot, "Alicia")
        assert on_top(app) is members
        await press(pilot, "r")  # unchanged: closes, nothing to write
        await press(pilot, "enter")
        assert on_top(app) is members
    assert demo.group(GROUP).members == ("Alicia", "Bob", "Chandra", "Dana")


async def test_a_group_name_too_long_is_said_in_the_dialog_in_words(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "g")
        assert isinstance(app.screen, GroupsScreen)
        await press(pilot, "r")
        prompt = prompt_of(app)
        prompt.query_one("#answer", Input).value = "n" * 101
        await press(pilot, "enter")
        assert on_top(app) is prompt
        assert prompt.query_one("#answer", Input).value == "n" * 101
        error = error_of(prompt)
        assert error.startswith("new name: is 101 characters long; at most 100 are allowed"), error
        assert not error.startswith("new:")  # the parameter's name, not a word
        assert not app._notifications
        await press(pilot, "escape")  # cancelled: the dialog goes, nothing written
        assert isinstance(app.screen, GroupsScreen)
    assert [g.name for g in demo.groups()] == [GROUP]


async def test_a_refusal_quoting_markup_is_plain_text(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_members(pilot)
        await press(pilot, "a")
        prompt_of(app).query_one("#answer", Input).value = f"{MARKUP}, {CLICK}, {CLICK.upper()}"
        await press(pilot, "enter")
        # Literally, brackets and all; no style, link or action drawn from it.
        text = await look(pilot, PromptScreen, CLICK, CLICK.upper())
        assert "reads the same" in text or "twice" in text, text
        prompt_of(app).query_one("#answer", Input).value = f"{MARKUP}, {CLICK}"
        await press(pilot, "enter")
        assert isinstance(app.screen, MembersScreen)
        assert app.is_running
    assert demo.group(GROUP).members[-2:] == (MARKUP, CLICK)


async def test_the_write_runs_in_a_worker(demo: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []
    add_members = Ledger.add_members

    def spy(self: Ledger, group: str, names: list[str], **kw: str | None) -> object:
        threads.append(threading.current_thread())
        return add_members(self, group, names, **kw)

    monkeypatch.setattr(Ledger, "add_members", spy)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_members(pilot)
        await press(pilot, "a")
        await answer(pilot, "Eve")
        assert isinstance(app.screen, MembersScreen)
    assert threads
    assert threads[0] is not threading.main_thread()


async def test_an_export_onto_an_existing_file_keeps_the_dialog(
    demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    taken = tmp_path / "settle-lisbon-trip.csv"
    taken.write_text("mine\n", encoding="utf-8")
    app = make_app(demo)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await press(pilot, "s")
        settle = app.screen
        assert isinstance(settle, SettleScreen)
        await press(pilot, "x", "enter")  # the default name: taken
        prompt = prompt_of(app)
        assert prompt.query_one("#answer", Input).value == taken.name
        assert "already exists" in error_of(prompt)
        assert not app._notifications
        prompt.query_one("#answer", Input).value = "plan.csv"
        await press(pilot, "enter")
        assert on_top(app) is settle
        assert any("Exported the plan to" in n.message for n in app._notifications)
    assert taken.read_text(encoding="utf-8") == "mine\n"  # never overwritten
    assert (tmp_path / "plan.csv").read_text(encoding="utf-8").startswith("from,to,amount")


async def test_an_export_into_a_missing_folder_is_said_in_the_dialog(
    demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "s", "x")
        prompt = prompt_of(app)
        prompt.query_one("#answer", Input).value = "nowhere/[bold]plan[/].csv"
        await press(pilot, "enter")
        assert on_top(app) is prompt
        assert error_of(prompt).startswith("Could not export:")
    assert list(out.iterdir()) == []


def test_a_refusal_names_the_field_in_a_users_words(demo: Ledger) -> None:
    with pytest.raises(InvalidInput) as refused:
        demo.rename_group(GROUP, "n" * 101)
    # the services' own words, which the dialog shows as they are (not "new: …")
    assert str(refused.value) == "new name: is 101 characters long; at most 100 are allowed"


async def test_a_waiting_write_is_cancelled_and_the_dialog_stays(
    trip: Ledger, other: sqlite3.Connection
) -> None:
    app = make_app(trip)
    async with app.run_test(size=(80, 24)) as pilot:
        members = await open_members(pilot)
        await press(pilot, "a")
        prompt = prompt_of(app)
        prompt.query_one("#answer", Input).value = "dee"
        other.execute("BEGIN IMMEDIATE")  # another terminal is writing
        await pilot.press("enter")
        assert await until(pilot, lambda: saying(app, "Saving… (another terminal is writing)"))
        await pilot.press("escape")
        await idle(pilot)
        assert on_top(app) is prompt
        assert prompt.query_one("#answer", Input).value == "dee"
        assert error_of(prompt).startswith("Not saved: cancelled")
        assert trip.group("Trip").members == ("ann", "bob", "cy")
        other.execute("ROLLBACK")
        await press(pilot, "enter")
        assert on_top(app) is members
    assert trip.group("Trip").members == ("ann", "bob", "cy", "dee")
