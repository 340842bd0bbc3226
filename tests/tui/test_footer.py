"""The app's footer (tui/widgets/footer.py) shows what Textual's footer shows, and
rebuilds its keys only when they change: a burst of binding changes that leaves them
alone (a screen's focus, the screen stack, the terminal's focus) costs no rebuild."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer as TextualFooter
from textual.widgets import Static

from splitledger.services.ledger import Ledger
from splitledger.tui.widgets.footer import KEPT_KEYS, Footer, key_width
from tests.tui.conftest import idle, make_app, until


class Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add expense"),
        Binding("h", "history", "History"),
        Binding("x", "hidden", "Hidden", show=False),
    ]
    #: Whether `h` is enabled (a dynamic action: the footer greys it out when not).
    history_enabled = True

    def __init__(self, footer: type[TextualFooter]) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield self.footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "history" and not self.history_enabled else True


def rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one each time Textual's footer rebuilds its keys."""
    done: list[int] = []
    rebuild = TextualFooter.recompose

    async def counted(self: TextualFooter) -> None:
        done.append(1)
        await rebuild(self)

    monkeypatch.setattr(TextualFooter, "recompose", counted)
    return done


def shown(app: App[None]) -> list[tuple[str, str, bool]]:
    """Each key the footer shows: its key, its description, whether it is greyed out."""
    return [
        (
            getattr(key, "key_display", ""),
            getattr(key, "description", ""),
            key.has_class("-disabled"),
        )
        for key in app.screen.query("FooterKey")
    ]


async def test_it_shows_the_keys_textuals_footer_shows() -> None:
    seen = []
    for footer in (TextualFooter, Footer):
        app = Keys(footer)
        async with app.run_test() as pilot:
            await pilot.pause()
            seen.append(shown(app))
    assert seen[0] == seen[1]
    assert [d for _, d, _ in seen[1]][:2] == ["Add expense", "History"]


async def test_a_burst_that_changes_nothing_rebuilds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    done = rebuilds(monkeypatch)
    app = Keys(Footer)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = len(done)
        assert before >= 1  # the keys were built once
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        assert len(done) == before


async def test_a_change_in_the_keys_rebuilds_them(monkeypatch: pytest.MonkeyPatch) -> None:
    done = rebuilds(monkeypatch)
    app = Keys(Footer)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = len(done)
        app.history_enabled = False
        app.screen.refresh_bindings()
        await pilot.pause()
        assert len(done) == before + 1
        assert ("h", "History", True) in shown(app)


async def test_textuals_footer_rebuilds_on_every_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the footer saves: Textual's own rebuilds for each of the same calls (if
    Textual stops doing so, the override can go)."""
    done = rebuilds(monkeypatch)
    app = Keys(TextualFooter)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = len(done)
        for _ in range(3):
            app.screen.refresh_bindings()
        await pilot.pause()
        assert len(done) == before + 3


# -- fitting the row ---------------------------------------------------------------


class Many(App[None]):
    """Eight keys of its own before the app's quit and help, as on the balances screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(k, f"go('{k}')", f"Go to {k}") for k in "abcdefgh"),
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("body")
        yield Footer()

    def action_go(self, where: str) -> None:
        self.notify(where)

    def action_help(self) -> None:
        self.notify("help")


def visible(app: App[None]) -> list[str]:
    """The descriptions of the keys shown, the command palette's key left out."""
    return [
        getattr(key, "description", "")
        for key in app.screen.query("FooterKey")
        if key.display and not key.has_class("-command-palette")
    ]


def fits(app: App[None]) -> bool:
    """Every key shown lies wholly inside the footer's row."""
    row = app.screen.query_one(Footer).region
    return all(
        row.contains_region(k.region) and k.outer_size.width == key_width(k)
        for k in app.screen.query("FooterKey")
        if k.display
    )


@pytest.mark.parametrize("width", [30, 50, 80, 100])
async def test_a_narrow_row_drops_the_screens_last_keys_and_keeps_help_and_quit(
    width: int,
) -> None:
    app = Many()
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        shown_now = visible(app)
        assert shown_now[-2:] == ["Quit", "Help"]
        own = shown_now[:-2]
        assert own == [f"Go to {k}" for k in "abcdefgh"][: len(own)]  # from the left
        assert len(own) < 8  # eight do not fit in 100 columns
        assert fits(app)


async def test_widening_the_terminal_brings_the_keys_back() -> None:
    app = Many()
    async with app.run_test(size=(50, 10)) as pilot:
        await pilot.pause()
        narrow = visible(app)
        await pilot.resize_terminal(200, 10)
        await pilot.pause()
        assert len(visible(app)) == 10 > len(narrow)
        assert fits(app)
        await pilot.resize_terminal(50, 10)
        await pilot.pause()
        assert visible(app) == narrow


def keeps_the_way_out(app: App[None]) -> bool:
    """The footer shows back, save, quit and help wherever the screen offers them (a
    form types "?" and "q" into its fields instead)."""
    offered = {key for key, (_, b, _, _) in app.screen.active_bindings.items() if b.show}
    shown = {getattr(k, "key", "") for k in app.screen.query("FooterKey") if k.display}
    return offered & KEPT_KEYS <= shown


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_screen_from_the_balances_keeps_the_way_out_and_cuts_no_key(
    demo: Ledger, size: tuple[int, int]
) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await idle(pilot)
        seen = set()
        for key in ("", "a", "h", "s", "m", "g", "p", "r", "i"):
            if key:
                await pilot.press(key)
                await idle(pilot)
            seen.add(type(app.screen).__name__)
            assert await until(pilot, lambda: keeps_the_way_out(app)), app.screen
            assert visible(app), app.screen
            assert fits(app), app.screen
            if key:
                await pilot.press("escape")
                await idle(pilot)
        assert len(seen) == 9  # each key opened a screen of its own
