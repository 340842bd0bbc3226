"""The user folders we compute on Linux without platformdirs are platformdirs' own."""

from __future__ import annotations

import sys

import platformdirs
import pytest

from splitledger.store import location

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="computed only on Linux")


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"XDG_DATA_HOME": "/x/data", "XDG_STATE_HOME": "/x/state"},
        {"XDG_DATA_HOME": "  ", "XDG_STATE_HOME": ""},
    ],
)
def test_the_folders_are_platformdirs_own(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = location.APP_NAME
    assert location.user_data_dir() == platformdirs.user_data_dir(app, appauthor=False)
    assert location.user_log_dir() == platformdirs.user_log_dir(app, appauthor=False)
    assert location.default_db_file().startswith(location.user_data_dir())


def test_a_relative_xdg_folder_is_ignored_as_the_spec_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("XDG_STATE_HOME", "state")
    assert location.user_data_dir() == "/home/someone/.local/share/splitledger"
    assert location.user_log_dir() == "/home/someone/.local/state/splitledger/log"
