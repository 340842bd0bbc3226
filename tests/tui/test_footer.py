"""The footer draws exactly what Textual's Footer draws (in every built-in theme, with
disabled keys, the pointer over a key, too narrow a screen) and a click presses a key."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, Static

from splitledger.tui.widgets.footer import LedgerFooter


class Keys(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add expense"),
        Binding("h", "history", "History"),
        Binding("x", "off", "Disabled"),
        Binding("z", "gone", "Hidden"),
        Binding("ctrl+t", "theme", "Theme", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("k", "bare", ""),
    ]

    def __init__(self, footer: type[Widget]) -> None:
        super().__init__()
        self.footer = footer
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("keys")
        yield self.footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return {"off": None, "gone": False}.get(action, True)

    def action_history(self) -> None:
        self.pressed.append("history")


class Shell(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def __init__(self, footer: type[Widget], theme: str) -> None:
        super().__init__()
        self.footer = footer
        self.start_theme = theme

    def on_mount(self) -> None:
        self.theme = self.start_theme
        self.push_screen(Keys(self.footer))


def cells(strip: Strip) -> list[tuple[str, str]]:
    return [
        (char, str(segment.style.clear_meta_and_links()) if segment.style else "")
        for segment in strip
        for char in segment.text
    ]


async def bottom_line(
    footer: type[Widget], theme: str, width: int, hover: int | None
) -> list[tuple[str, str]]:
    app = Shell(footer, theme)
    async with app.run_test(size=(width, 5)) as pilot:
        await pilot.pause()
        if hover is not None:
            await pilot.hover(offset=(hover, 4))
        await pilot.pause()
        return cells(app.screen._compositor.render_strips()[-1])


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "solarized-light"])
@pytest.mark.parametrize("width", [30, 100])
@pytest.mark.parametrize("hover", [None, 2, 27])
async def test_it_draws_what_textuals_footer_draws(
    theme: str, width: int, hover: int | None
) -> None:
    expected = await bottom_line(Footer, theme, width, hover)
    assert await bottom_line(LedgerFooter, theme, width, hover) == expected


async def test_a_click_presses_the_key() -> None:
    app = Shell(LedgerFooter, "textual-dark")
    async with app.run_test(size=(100, 5)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Keys)
        await pilot.click(LedgerFooter, offset=(17, 0))  # " h History "
        await pilot.pause()
        assert screen.pressed == ["history"]
        await pilot.click(LedgerFooter, offset=(28, 0))  # disabled: a bell, nothing else
        await pilot.pause()
        assert screen.pressed == ["history"]
