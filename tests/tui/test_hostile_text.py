"""Hostile text on every screen, toast and dialog: names, descriptions, categories and
actors that look like markup (`[bold]`, `[@click=app.quit]`, `[link=file:///…]`), that an
older version stored with escape sequences, C1 controls, bidi overrides or zero-width
characters, that are 500 characters long, CJK or emoji. The app shows each as plain text
with visible stand-ins: nothing is styled, linked or actionable because of it, no raw
control character reaches the terminal, nothing raises, and the app keeps running."""

from __future__ import annotations

import datetime as dt
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from splitledger.domain import visible
from splitledger.services.ledger import Ledger
from splitledger.tui.app import SplitLedgerApp
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.expense_form import ExpenseFormScreen
from splitledger.tui.screens.groups import GroupsScreen
from splitledger.tui.screens.help import HelpScreen
from splitledger.tui.screens.history import HistoryScreen
from splitledger.tui.screens.members import MembersScreen
from splitledger.tui.screens.prompt import PromptScreen
from splitledger.tui.screens.settle import SettleScreen
from splitledger.tui.screens.transaction import TransactionScreen
from splitledger.tui.widgets.lazy_table import LazyTable
from tests.tui.conftest import idle, make_app

BOLD, CLICK, LINK = "[bold]x[/]", "[@click=app.quit]q[/]", "[link=file:///etc/passwd]L[/link]"
GROUP = "[@click=app.quit]Flat[/] 東京 🍕"
ANN = "[bold]ann[/]"
BOB = "[link=file:///etc/passwd]bob[/link]"
HANAKO = "東京の花子"
ZOE = "Zoë 👩‍💻🍕"  # (the zero-width joiner between two pictographs draws one emoji)
#: Stored by an older version (written straight into the database below).
EVE = "eve\x1b[31m\u202eRED\x1b]8;;file:///etc/passwd\x07L\x1b]8;;\x07"
LONG_NAME = ("長い名前 " + "n" * 100) * 5
LEGACY_DESCRIPTION = "\x1b[2J\x1b[31mpwned\u202eexe.txt\u200b\x9b1m!"
LEGACY_CATEGORY = "\x1b]0;title\x07cat"
ACTOR = "\x1b[31mmallory\x1b[0m"
LONG_DESCRIPTION = ("東京タワー🍕 [b]x[/] " * 40)[:500]


def _legacy(db: Path, statements: list[tuple[str, tuple[object, ...]]]) -> None:
    """Write text the way an older version could have: straight into the database,
    with the append-only triggers lifted for the moment (this test database only)."""
    with sqlite3.connect(db) as conn:
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%update'"
        ).fetchall()
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        for sql, params in statements:
            assert conn.execute(sql, params).rowcount >= 1, sql
        for _, sql in triggers:
            conn.execute(sql)
    conn.close()


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Ledger]:
    db = tmp_path / "hostile.db"
    with Ledger.open(str(db), actor=ACTOR) as ledger:  # (the OS user name is not checked)
        ledger.create_group(GROUP, "EUR", [ANN, BOB, HANAKO, ZOE, "legacy-eve", "legacy-long"])

        def expense(description: str, category: str, payer: str, key: str) -> None:
            ledger.record_expense(
                group=GROUP,
                description=description,
                amount="60.00",
                paid_by=((payer, None),),
                category=category,
                date=dt.date(2026, 6, 1),
                key=key,
            )

        expense(BOLD, CLICK, ANN, "k-bold")
        expense(LINK, "food", BOB, "k-link")
        expense(LONG_DESCRIPTION, "東京", HANAKO, "k-long")
        expense("legacy-description", "legacy-category", "legacy-eve", "legacy-key")
    _legacy(
        db,
        [
            ("UPDATE members SET name = ? WHERE name = 'legacy-eve'", (EVE,)),
            ("UPDATE members SET name = ? WHERE name = 'legacy-long'", (LONG_NAME,)),
            (
                "UPDATE transactions SET description = ?, category = ? "
                "WHERE description = 'legacy-description'",
                (LEGACY_DESCRIPTION, LEGACY_CATEGORY),
            ),
            (
                "UPDATE audit_log SET payload = replace(payload, 'legacy-key', ?) "
                "WHERE payload LIKE '%legacy-key%'",
                ("\\u001b[5mkey\\u202e",),  # JSON-escaped, as an older version wrote it
            ),
        ],
    )
    with Ledger.open(str(db), actor="tester") as ledger:
        yield ledger


def _rendered(app: SplitLedgerApp) -> str:
    """The current screen as drawn, checked segment by segment: no link, no action, no
    character that `visible` would replace (control, bidi, invisible). Returns its text."""
    lines = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            style = segment.style
            where = f"{type(app.screen).__name__} line {y}: {segment.text!r}"
            assert visible(segment.text) == segment.text, where
            if style is not None:
                assert style.link is None, where
                assert not any(key.startswith("@click") for key in style.meta), where
        lines.append("".join(segment.text for segment in strip))
    return "\n".join(lines)


async def look(pilot: Pilot[None], screen: type, *shown: str) -> str:
    """Wait, then check the screen is a `screen`, drawn safely, showing each of `shown`
    literally (brackets and all: not parsed as markup)."""
    await idle(pilot)
    app = pilot.app
    assert isinstance(app, SplitLedgerApp)
    assert app.is_running
    assert app.return_code is None
    assert app._exception is None
    assert isinstance(app.screen, screen), app.screen
    text = _rendered(app)
    for part in shown:
        assert part in text, f"{part!r} not in:\n{text}"
    return text


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await idle(pilot)
        await pilot.press(key)
    await idle(pilot)


async def test_hostile_text_is_plain_and_visible_everywhere(hostile: Ledger) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        # Balances: header, summary, chart (names cut to their column in cells).
        await look(pilot, BalancesScreen, GROUP, "[bold]ann[/]", "[link=file:", "東京の花子")
        text = await look(pilot, BalancesScreen, ZOE, "eve␛[31m�RED␛]8;;file:")
        assert "[@click=app.quit]Flat[/]" in text.splitlines()[0]  # the header's sub-title

        # Members: title, table, rename prompt, remove dialog, an error quoting a name.
        await press(pilot, "m")
        members = app.screen
        assert isinstance(members, MembersScreen)
        await look(pilot, MembersScreen, f"Members of {GROUP}", ANN, "eve␛[31m", "長い名前")
        members.query_one("#members").move_cursor(row=members._names.index(EVE))  # type: ignore[attr-defined]
        await press(pilot, "r")
        await look(pilot, PromptScreen, "Rename eve␛[31m�RED")
        assert app.screen.query_one("#answer", Input).value == visible(EVE)
        await press(pilot, "escape", "x")
        await look(pilot, ConfirmScreen, "Remove eve␛[31m", GROUP)
        await press(pilot, "n")
        members.query_one("#members").move_cursor(row=members._names.index(ANN))  # type: ignore[attr-defined]
        await press(pilot, "r")
        app.screen.query_one("#answer", Input).value = BOB  # taken: the refusal quotes both
        await press(pilot, "enter")
        await look(pilot, PromptScreen, "[link=file:///etc/passwd]bob[/link]' is")
        await press(pilot, "escape")
        await look(pilot, MembersScreen)

        # Groups: the option list and the rename prompt.
        await press(pilot, "escape", "g")
        await look(pilot, GroupsScreen, GROUP, "東京の花子")
        await press(pilot, "r")
        await look(pilot, PromptScreen, GROUP)
        await press(pilot, "escape", "escape")

        # History: cells, searches (text, an unknown member, a bad filter quoting it).
        await press(pilot, "h")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await look(
            pilot, HistoryScreen, BOLD, LINK, "␛[2J␛[31mpwned�exe.txt�", "東京タワー🍕 [b]x[/]"
        )
        search = history.query_one("#search", Input)
        for typed, shown in [
            ("[bold]", "1 transaction."),
            ("member:zed", "There is no member named “zed” in this group."),
            ("from:[b]x[/]", "'[b]x[/]' is not a date"),
            (CLICK, CLICK),  # the search box shows it as typed
        ]:
            search.value = typed
            await press(pilot, "slash", "enter")  # (Enter searches at once and leaves the box)
            await look(pilot, HistoryScreen, shown)
        search.value = ""
        await press(pilot, "slash", "enter")
        legacy_row = next(i for i, tx in enumerate(history.rows) if "\x1b" in tx.description)
        history.query_one(LazyTable).move_cursor(row=legacy_row)

        # One transaction: head, postings, audit trail (actor, payload), delete dialog.
        await press(pilot, "enter")
        await look(
            pilot,
            TransactionScreen,
            "␛[2J␛[31mpwned",
            "␛]0;title␇cat",
            "by ␛[31mmallory␛[0m",
            "eve␛[31m",
            "key=␛[5mkey�",
        )
        await press(pilot, "d")
        dialog = await look(pilot, ConfirmScreen, "“␛[2J␛[31mpwned")
        assert "␊" not in dialog  # the question's own line breaks stay line breaks
        await press(pilot, "n")

        # Editing the legacy expense: the form starts with the text as shown.
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        await look(pilot, ExpenseFormScreen, "Edit expense", "eve␛[31m")
        assert form.query_one("#description", Input).value == visible(LEGACY_DESCRIPTION)
        await press(pilot, "escape", "escape", "escape", "escape")

        # Settle up: table, summary, both dialogs, the export prompt, the clipboard.
        await press(pilot, "s")
        await look(pilot, SettleScreen, "[bold]ann[/]", "pays", "eve␛[31m")
        await press(pilot, "p")
        await look(pilot, ConfirmScreen, "Record that")
        await press(pilot, "n", "a")
        await look(pilot, ConfirmScreen, "transfers as paid?")
        await press(pilot, "n", "c")
        assert "pays" in app.clipboard
        assert all(visible(line) == line for line in app.clipboard.splitlines())
        await press(pilot, "x")
        await look(pilot, PromptScreen, "Export the plan")
        await press(pilot, "escape", "escape")

        # The expense form: title, names, an inline error quoting the amount, toasts.
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        await look(pilot, ExpenseFormScreen, f"New expense in {GROUP}", ANN, "東京の花子")
        form.query_one("#payer", Select).value = ANN
        form.query_one("#description", Input).value = CLICK
        form.query_one("#amount", Input).value = "[b]1[/]"
        await look(pilot, ExpenseFormScreen, "'[b]1[/]' is not an amount")
        for index, name in enumerate(form._members):
            form.query_one(f"#in-{index}").value = name in (ANN, BOB)  # type: ignore[attr-defined]
        form.query_one("#amount", Input).value = "12"
        await press(pilot, "ctrl+s")
        await look(pilot, BalancesScreen, f"Recorded: {CLICK}")
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        form.query_one("#payer", Select).value = ANN
        for index, name in enumerate(form._members):
            form.query_one(f"#in-{index}").value = name in (ANN, BOB)  # type: ignore[attr-defined]
        form.query_one("#description", Input).value = f"{LINK} {BOLD}"
        form.query_one("#amount", Input).value = "3"
        await press(pilot, "ctrl+s")
        await look(pilot, BalancesScreen, f"Recorded: {LINK} {BOLD}")

        # Help, and the command palette with markup typed into it.
        await press(pilot, "question_mark")
        await look(pilot, HelpScreen)
        await press(pilot, "escape", "ctrl+p")
        await idle(pilot)
        app.screen.query_one(Input).value = CLICK
        await idle(pilot)
        _rendered(app)
        await press(pilot, "escape")
        await look(pilot, BalancesScreen)
        assert app.is_running


async def test_a_payer_whose_stored_name_holds_escapes_is_shown_visible(
    hostile: Ledger,
) -> None:
    """Recording with a payer whose stored name (from an older version) holds an escape
    sequence: the services accept the reference, and every toast and screen shows the
    name through its visible stand-ins, never the raw characters."""
    app = make_app(hostile)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await press(pilot, "a")
        form = app.screen
        assert isinstance(form, ExpenseFormScreen)
        form.query_one("#payer", Select).value = EVE
        form.query_one("#description", Input).value = BOLD
        form.query_one("#amount", Input).value = "5"
        await press(pilot, "ctrl+s")
        await look(pilot, BalancesScreen, f"Recorded: {BOLD}", visible(EVE)[:8])
    assert all(unicodedata.category(c) != "Cc" for n in app._notifications for c in n.message)


async def test_markup_like_names_and_text_render_on_every_screen(ledger: Ledger) -> None:
    """Text that looks like broken markup ("[/b]", "[red") never breaks rendering."""
    group, odd = "[/b] Flat [red", ("[/x]ann", "bob [b]", "=cy")
    ledger.create_group(group, "EUR", odd)
    ledger.record_expense(
        group=group,
        description="[/i] cake [link=x]",
        amount="9.00",
        paid_by=((odd[0], None),),
        category="[/u]",
        date=dt.date(2026, 6, 1),
    )
    app = make_app(ledger)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for keys in (("m",), ("g",), ("s",), ("h",), ("h", "enter"), ("question_mark",)):
            await idle(pilot)
            await pilot.press(*keys)
            await idle(pilot)
            assert app.is_running, keys
            _rendered(app)
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
        assert "'[/b]' is not an amount" in _rendered(app)
        await pilot.press("escape", "s", "x")
        await idle(pilot)
        assert app.is_running


async def test_a_bills_versions_and_undo_show_hostile_text_plainly(hostile: Ledger) -> None:
    """The versions of a bill (names and categories old → new, the actor) and the undo
    toast quoting a stored description: plain and visible."""
    bold = next(t for t in hostile.history(GROUP) if t.description == BOLD)
    edited = hostile.edit_expense(bold.id, paid_by=((BOB, None),), category=LINK).tx
    assert edited is not None
    legacy = next(t for t in hostile.history(GROUP) if "\x1b" in t.description)
    app = make_app(hostile)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await idle(pilot)
        await app.push_screen(TransactionScreen(edited.id))
        text = await look(pilot, TransactionScreen, "2. edited", f"{CLICK} → {LINK}", ANN, BOB)
        assert "by tester" in text
        await app.push_screen(TransactionScreen(legacy.id))
        await press(pilot, "d", "y", "u")
        await look(pilot, TransactionScreen, "Undone: the deletion of", "␛[2J␛[31mpwned")
        await look(pilot, TransactionScreen, "restored (deletion undone)")
    assert all(unicodedata.category(c) != "Cc" for n in app._notifications for c in n.message)
