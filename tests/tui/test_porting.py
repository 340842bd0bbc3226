"""Import and export from the app: a dry run's summary first, then the import; errors
under their field naming the row; exports written owner-only, replaced only when asked;
both reachable by key and from the command palette; usable at 80x24."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from splitledger.services.ledger import Ledger
from splitledger.tui.screens.balances import BalancesScreen
from splitledger.tui.screens.confirm import ConfirmScreen
from splitledger.tui.screens.export import ExportScreen, default_export_name
from splitledger.tui.screens.porting import ImportScreen
from tests.interop.splitwise_samples import ROWS, TOTAL, export
from tests.tui.conftest import SIZES, SnapCompare, idle, make_app


@pytest.fixture
def splitwise(tmp_path: Path) -> Path:
    path = tmp_path / "flat.csv"
    path.write_bytes(export())
    return path


def rendered(widget: Static) -> str:
    """What a widget holding a Rich renderable shows, as text."""
    from rich.console import Console

    console = Console(width=100, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()


def text_of(screen: ImportScreen | ExportScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_import(pilot: Pilot[None], path: Path | str, group: str) -> ImportScreen:
    await idle(pilot)
    await pilot.press("ctrl+o")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    screen.query_one("#file", Input).value = str(path)
    screen.query_one("#group", Input).value = group
    return screen


async def test_the_dry_run_summarises_then_the_import_records_it_all(
    demo: Ledger, splitwise: Path
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, splitwise, "Flat")
        commit = screen.query_one("#commit", Button)
        assert commit.disabled
        await pilot.press("ctrl+s")
        await idle(pilot)
        summary = text_of(screen, "#summary")
        assert "A new group Flat would be created" in summary
        assert "5 to record, 0 already on the ledger" in summary
        assert "1 row(s) change no balance" in summary
        assert "Every total matches" in summary
        table = rendered(screen.query_one("#reconciliation", Static))
        assert "Ann Lee" in table
        assert "-12.50 EUR" in table
        assert "MISMATCH" not in table
        assert not [g for g in demo.groups() if g.name == "Flat"]  # a dry run writes nothing
        assert not commit.disabled
        assert commit.has_focus
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.group is not None
        assert app.group.name == "Flat"
    balances = {b.member: b.minor for b in demo.balances("Flat").balances}
    assert balances == {"Ann Lee": 650, "Bob": 600, "Cy": -1250}


async def test_a_changed_field_asks_for_a_new_check(demo: Ledger, splitwise: Path) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, splitwise, "Flat")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert not screen.query_one("#commit", Button).disabled
        screen.query_one("#group", Input).value = "Flat 2"
        await idle(pilot)
        assert screen.query_one("#commit", Button).disabled
        screen.action_commit()
        await idle(pilot)
        assert isinstance(app.screen, ImportScreen)
    assert "Flat 2" not in [g.name for g in demo.groups()]


async def test_a_second_import_finds_nothing_to_record(demo: Ledger, splitwise: Path) -> None:
    from splitledger.services import interchange

    interchange.import_file(demo, "Flat", splitwise, "splitwise")
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, splitwise, "Flat")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "0 to record, 5 already on the ledger" in text_of(screen, "#summary")
        assert screen.query_one("#commit", Button).disabled


async def test_a_bad_row_is_said_under_the_file_with_its_row(demo: Ledger, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(export([*ROWS[:2], "2026-03-09,Broken,General,abc,EUR,1,2,3\n"], TOTAL))
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, bad, "Flat")
        await pilot.press("ctrl+s")
        await idle(pilot)
        error = screen.query_one("#file-error", Static)
        assert error.display
        said = str(error.render())
        assert "bad.csv" in said
        assert "row" in said.lower()
        assert screen.query_one("#file", Input).has_focus
        assert screen.query_one("#commit", Button).disabled


@pytest.mark.parametrize("name", ["[bold]x[/]", "[@click=app.quit]q", "\x1b[31mred\u202e.csv"])
async def test_hostile_file_names_are_shown_plainly(
    demo: Ledger, tmp_path: Path, name: str
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, tmp_path / name, "Flat")
        await pilot.press("ctrl+s")
        await idle(pilot)
        said = str(screen.query_one("#file-error", Static).render())
        assert "cannot read" in said
        assert "\x1b" not in said
        assert "\u202e" not in said
        assert app.is_running  # no markup action ran


async def test_import_needs_a_file_and_a_group(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, "", "")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "Give the file" in text_of(screen, "#file-error")


async def test_import_from_the_welcome_creates_the_first_group(
    ledger: Ledger, splitwise: Path
) -> None:
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_import(pilot, splitwise, "Flat")
        await pilot.press("ctrl+s")
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert app.group is not None
        assert app.group.name == "Flat"


async def test_export_writes_an_owner_only_file_and_asks_before_replacing(
    demo: Ledger, tmp_path: Path
) -> None:
    target = tmp_path / "trip.json"
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+b")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#file", Input).value = str(target)
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "Wrote 10 transactions" in text_of(screen, "#summary")
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        assert json.loads(target.read_text())["group"]["name"] == "Lisbon trip"
        target.write_text("mine")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await idle(pilot)
        assert target.read_text() == "mine"
        await pilot.press("ctrl+s")
        await idle(pilot)
        await pilot.press("y")
        await idle(pilot)
        assert target.read_text() != "mine"


async def test_export_follows_the_format_until_the_name_is_typed(demo: Ledger) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+b")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#format", Select).value = "beancount"
        await idle(pilot)
        assert screen.query_one("#file", Input).value == "lisbon-trip.beancount"
        screen.query_one("#file", Input).value = "mine.txt"
        screen.query_one("#format", Select).value = "csv"
        await idle(pilot)
        assert screen.query_one("#file", Input).value == "mine.txt"


async def test_export_into_a_missing_folder_is_said_under_the_path(
    demo: Ledger, tmp_path: Path
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+b")
        await idle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#file", Input).value = str(tmp_path / "no" / "such.json")
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "cannot write" in text_of(screen, "#file-error")


def test_default_export_names_are_tame() -> None:
    assert default_export_name("Lisbon trip", "hledger") == "lisbon-trip.journal"
    assert default_export_name("[bold]../../etc", "csv") == "bold-etc.csv"
    assert default_export_name("💸", "json") == "group.json"


@pytest.mark.parametrize(
    ("title", "wanted"),
    [("Import a file", ImportScreen), ("Export the group", ExportScreen)],
)
async def test_the_palette_opens_import_and_export(demo: Ledger, title: str, wanted: type) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*title)
        await idle(pilot)
        await pilot.press("enter")
        await idle(pilot)
        assert isinstance(app.screen, wanted)


def keys_then(
    *pressed: str, fill: dict[str, str] | None = None
) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run(pilot: Pilot[None]) -> None:
        await idle(pilot)
        for key in pressed:
            await pilot.press(key)
            await idle(pilot)
        for selector, value in (fill or {}).items():
            pilot.app.screen.query_one(selector, Input).value = value
        if fill:
            await pilot.press("ctrl+s")
            await idle(pilot)
        for field in pilot.app.screen.query(Input).results(Input):
            field.cursor_blink = False
        await idle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES)
def test_import_snapshot(
    snap_compare: SnapCompare,
    demo: Ledger,
    size: tuple[int, int],
    splitwise: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(splitwise.parent)  # the path shown is the same in every run
    step = keys_then("ctrl+o", fill={"#file": splitwise.name, "#group": "Flat"})
    assert snap_compare(make_app(demo), terminal_size=size, run_before=step)


@pytest.mark.parametrize("size", SIZES)
def test_export_snapshot(
    snap_compare: SnapCompare, demo: Ledger, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    assert snap_compare(make_app(demo), terminal_size=size, run_before=keys_then("ctrl+b"))


def ten_member_export() -> bytes:
    """A Splitwise file of ten members, each paying once for everyone."""
    names = [f"Member {n}" for n in range(10)]
    rows = []
    for n in range(10):
        cells = ["9.00" if m == n else "-1.00" for m in range(10)]
        rows.append(f"2026-03-{n + 1:02d},Bill {n},General,10.00,EUR,{','.join(cells)}\n")
    header = "Date,Description,Category,Cost,Currency," + ",".join(names) + "\n"
    total = "2026-03-20,Total balance, , ,EUR," + ",".join(["0.00"] * 10) + "\n"
    return (header + "\n" + "".join(rows) + "\n" + total).encode()


async def test_ten_members_at_80x24_keep_the_import_button_in_view(
    ledger: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "ten.csv"
    path.write_bytes(ten_member_export())
    app = make_app(ledger)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, path, "Ten")
        await pilot.press("ctrl+s")
        await idle(pilot)
        commit = screen.query_one("#commit", Button)
        assert commit.has_focus
        assert screen.region.contains_region(commit.region)
        assert "Member 9" in rendered(screen.query_one("#reconciliation", Static))
        screen.query_one("#file", Input).value = str(tmp_path / "missing.csv")
        await pilot.press("ctrl+s")
        await idle(pilot)
        error = screen.query_one("#file-error", Static)
        assert screen.query_one("#file", Input).has_focus
        assert screen.region.contains_region(error.region)


async def test_progress_spins_while_reading_and_counts_while_importing(
    demo: Ledger, splitwise: Path
) -> None:
    import asyncio

    from textual.widgets import ProgressBar

    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, splitwise, "Flat")
        show = screen._progress(5)  # (the callback the services call, in a thread)
        await asyncio.to_thread(show, "read", 120)
        await pilot.pause()
        bar = screen.query_one(ProgressBar)
        assert bar.total is None
        assert "reading: 120 rows" in text_of(screen, "#progress-label")
        await asyncio.to_thread(show, "import", 3)
        await pilot.pause()
        bar = screen.query_one(ProgressBar)  # (read again: the total has changed)
        assert (bar.total, bar.progress) == (5, 3)
        assert "importing: 3 transactions" in text_of(screen, "#progress-label")


def test_every_registered_format_is_offered_with_its_about_text() -> None:
    from splitledger.interop.formats import READERS
    from splitledger.tui.screens.porting import IMPORT_FORMATS

    assert [value for _, value in IMPORT_FORMATS] == ["auto", *READERS]
    for label, value in IMPORT_FORMATS[1:]:
        assert label == f"{value}: {READERS[value].about}"


async def test_auto_says_which_format_it_read_and_what_it_reconciled_against(
    demo: Ledger, splitwise: Path
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, splitwise, "Flat")
        assert screen.query_one("#format", Select).value == "auto"
        assert not screen.query_one("#mapping-row").display  # only for csv
        await pilot.press("ctrl+s")
        await idle(pilot)
        summary = text_of(screen, "#summary")
        assert "as splitwise (detected; nothing written yet)" in summary
        assert "Every total matches the file's own totals exactly" in summary


SHEET = (
    "Date,Description,Cost,Paid by,For,Currency\n"
    "2026-03-01,Groceries,30.00,ann,ann;bob;cy,EUR\n"
    "2026-03-02,Taxi,12.00,bob,,EUR\n"
)
SHEET_MAP = "date=Date,amount=Cost,payer=Paid by,participants=For,currency=Currency"


async def test_csv_shows_the_mapping_field_and_imports_through_it(
    demo: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, path, "Sheet")
        screen.query_one("#format", Select).value = "csv"
        await idle(pilot)
        assert screen.query_one("#mapping-row").display
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "Say which column holds what" in text_of(screen, "#map-error")
        assert screen.query_one("#map", Input).has_focus
        screen.query_one("#map", Input).value = "date=Date,amount=Cost"
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert "map: payer: is needed" in text_of(screen, "#map-error")
        screen.query_one("#map", Input).value = SHEET_MAP
        await pilot.press("ctrl+s")
        await idle(pilot)
        summary = text_of(screen, "#summary")
        assert "as csv (as chosen; nothing written yet)" in summary
        assert "1 row(s) split among every member named in the file: ann, bob, cy" in summary
        assert "Every total matches the file's cells exactly" in summary
        table = rendered(screen.query_one("#reconciliation", Static))
        assert "+16.00 EUR" in table  # ann: +30 -10 -4
        commit = screen.query_one("#commit", Button)
        assert commit.has_focus  # and in view, above the footer
        assert screen.query_one("#porting-body").region.contains_region(commit.region)
        assert not [g for g in demo.groups() if g.name == "Sheet"]
        await pilot.press("enter")
        await idle(pilot)
    balances = {b.member: b.minor for b in demo.balances("Sheet").balances}
    assert balances == {"ann": 1600, "bob": -200, "cy": -1400}


async def test_a_hostile_mapping_is_said_plainly_under_its_field(
    demo: Ledger, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(SHEET)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, path, "Sheet")
        screen.query_one("#format", Select).value = "csv"
        screen.query_one("#map", Input).value = "date=[bold]x[/],amount=\x1b[31mC\u202e"
        await pilot.press("ctrl+s")
        await idle(pilot)
        said = text_of(screen, "#map-error")
        assert "\x1b" not in said
        assert "\u202e" not in said
        assert "U+001B" in said
        assert app.is_running


async def test_the_splitwise_options_reach_the_import(
    demo: Ledger, splitwise: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from splitledger.services import interchange

    seen: dict[str, object] = {}
    real = interchange.import_file

    def spy(*args: object, **kwargs: object) -> interchange.ImportOutcome:
        seen.update(kwargs)
        return real(*args, **{k: v for k, v in kwargs.items() if k != "unbalanced_to"})  # type: ignore[arg-type]

    monkeypatch.setattr(interchange, "import_file", spy)
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_import(pilot, splitwise, "Flat")
        screen.query_one("#unbalanced", Input).value = "Former members"
        screen.query_one("#no-footer").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await idle(pilot)
        assert (seen["unbalanced_to"], seen["no_footer"], seen["mapping"]) == (
            "Former members", True, None,
        )  # fmt: skip
        assert screen.query_one("#commit", Button).disabled is False
        screen.query_one("#no-footer").value = False  # type: ignore[attr-defined]
        await idle(pilot)
        assert screen.query_one("#commit", Button).disabled  # changed: check again


@pytest.mark.parametrize("size", SIZES)
def test_import_csv_snapshot(
    snap_compare: SnapCompare,
    demo: Ledger,
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The csv choice with its mapping field, checked: the summary names the format, the
    reader's note and the cells the totals are reconciled against."""
    (tmp_path / "sheet.csv").write_text(SHEET)
    monkeypatch.chdir(tmp_path)

    async def step(pilot: Pilot[None]) -> None:
        await idle(pilot)
        await pilot.press("ctrl+o")
        await idle(pilot)
        screen = pilot.app.screen
        screen.query_one("#format", Select).value = "csv"
        screen.query_one("#file", Input).value = "sheet.csv"
        screen.query_one("#group", Input).value = "Sheet"
        screen.query_one("#map", Input).value = SHEET_MAP
        await idle(pilot)
        await pilot.press("ctrl+s")
        await idle(pilot)
        for field in screen.query(Input).results(Input):
            field.cursor_blink = False
        await idle(pilot)

    assert snap_compare(make_app(demo), terminal_size=size, run_before=step)
