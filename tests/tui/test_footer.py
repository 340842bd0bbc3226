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

from splitledger.tui.widgets.footer import Footer


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
