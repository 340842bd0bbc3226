"""Remembered settings: the theme and the last group per ledger, in a small JSON file
written atomically; a broken file is a notification, never a crash."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.services.ledger import Ledger
from splitledger.tui import config
from splitledger.tui.app import DARK, LIGHT, SplitLedgerApp
from splitledger.tui.screens.balances import BalancesScreen
from tests.tui.conftest import TODAY, idle


def app_with(ledger: Ledger | None, path: Path, target: str | None = None) -> SplitLedgerApp:
    app = SplitLedgerApp(target, ledger=ledger, config_path=str(path))
    app.today = lambda: TODAY
    return app


def test_the_config_file_is_in_the_user_config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ENV_VAR, raising=False)
    from platformdirs import user_config_dir

    expected = os.path.join(user_config_dir("splitledger", appauthor=False), "config.json")
    assert config.config_file() == expected
    if sys.platform == "linux":
        monkeypatch.setenv("XDG_CONFIG_HOME", "/elsewhere")
        assert config.config_file() == "/elsewhere/splitledger/config.json"
        monkeypatch.setenv("XDG_CONFIG_HOME", "relative")  # ignored, as the spec says
        assert config.config_file() == expected
    monkeypatch.setenv(config.ENV_VAR, "/x/settings.json")
    assert config.config_file() == "/x/settings.json"


def test_a_missing_file_is_no_settings_and_no_problem(tmp_path: Path) -> None:
    assert config.load(str(tmp_path / "none.json")) == (config.Settings(), None)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b'{"theme": 3}',
        b'{"last_group": []}',
        b'{"last_group": {"x": ""}}',
        b"\xff\xfe",
        b'{"theme": "' + b"a" * 600 + b'"}',
        b" " * (config.MAX_BYTES + 1),
    ],
)
def test_a_broken_file_is_ignored_with_a_reason(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(content)
    settings, problem = config.load(str(path))
    assert settings == config.Settings()
    assert problem is not None
    assert str(path) in problem


def test_saving_is_atomic_and_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.json"
    settings = config.Settings(theme=LIGHT).with_group("/l.db", "Trip")
    config.save(str(path), settings)
    assert config.load(str(path)) == (settings, None)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["config.json"]  # no temporary left


def test_only_the_most_recent_ledgers_are_remembered() -> None:
    settings = config.Settings()
    for n in range(config.MAX_LEDGERS + 5):
        settings = settings.with_group(f"/{n}.db", "G")
    assert len(settings.groups) == config.MAX_LEDGERS
    assert settings.last_group("/0.db") is None
    assert list(settings.with_group("/5.db", "H").groups.items())[-1] == ("/5.db", "H")


names = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)


@given(theme=st.one_of(st.none(), names), groups=st.dictionaries(names, names, max_size=5))
def test_settings_round_trip(
    tmp_path_factory: pytest.TempPathFactory, theme: str | None, groups: dict[str, str]
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.json"
    settings = config.Settings(theme=theme, groups=groups)
    config.save(str(path), settings)
    assert config.load(str(path)) == (settings, None)


async def test_the_theme_is_remembered(demo: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    app = app_with(demo, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert app.theme == DARK
        await pilot.press("ctrl+t")
        await idle(pilot)
    assert json.loads(path.read_text())["theme"] == LIGHT
    again = app_with(demo, path)
    async with again.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert again.theme == LIGHT


async def test_the_last_group_opens_again(demo: Ledger, tmp_path: Path) -> None:
    demo.create_group("Aaa first", "EUR", ["Ann"])
    assert demo.first_screen() is not None
    path = tmp_path / "config.json"
    config.save(str(path), config.Settings().with_group(demo.where, "Lisbon trip"))
    app = app_with(demo, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert isinstance(app.screen, BalancesScreen)
        assert app.group is not None
        assert app.group.name == "Lisbon trip"
        assert app.screen.query_one("#summary").render() is not None
        # Switching groups is remembered.
        group = demo.group("Aaa first")
        await app.open_group(group)
        await idle(pilot)
    assert config.load(str(path))[0].last_group(demo.where) == "Aaa first"


async def test_the_app_opening_its_ledger_remembers_its_group(
    demo: Ledger, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.create_group("Aaa first", "EUR", ["Ann"])
    path = tmp_path / "env-config.json"
    monkeypatch.setenv(config.ENV_VAR, str(path))
    config.save(str(path), config.Settings().with_group(demo.where, "Lisbon trip"))
    app = SplitLedgerApp(str(db_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert app.group is not None
        assert app.group.name == "Lisbon trip"
        assert app.ledger is not None  # adopted to read the remembered group


async def test_a_group_gone_opens_the_first(demo: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    config.save(str(path), config.Settings().with_group(demo.where, "Gone"))
    app = app_with(demo, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert app.group is not None
        assert app.group.name == "Lisbon trip"


@pytest.mark.parametrize(
    ("content", "title"),
    [('{"theme": "[@click=app.quit]x"}', "Settings"), ("{broken", "Settings not read")],
)
async def test_a_broken_file_or_theme_is_a_notification(
    demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, title: str
) -> None:
    said: list[tuple[str, object]] = []
    notify = SplitLedgerApp.notify

    def spy(self: SplitLedgerApp, message: str, **options: Any) -> None:
        said.append((message, options.get("title")))
        notify(self, message, **options)

    monkeypatch.setattr(SplitLedgerApp, "notify", spy)
    path = tmp_path / "config.json"
    path.write_text(content)
    app = app_with(demo, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        assert app.is_running
        assert isinstance(app.screen, BalancesScreen)
        assert app.theme == DARK
    assert [t for _m, t in said] == [title]


async def test_a_handed_ledger_without_a_path_writes_no_settings(
    demo: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "must-not-exist.json"
    monkeypatch.setenv(config.ENV_VAR, str(path))
    app = SplitLedgerApp(ledger=demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+t")
        await idle(pilot)
    assert app.config_path is None
    assert not path.exists()


async def test_an_unwritable_config_is_one_warning(demo: Ledger, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = app_with(demo, blocker / "config.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await idle(pilot)
        await pilot.press("ctrl+t")
        await idle(pilot)
        await pilot.press("ctrl+t")
        await idle(pilot)
        assert app.is_running
