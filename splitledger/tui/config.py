"""The app's remembered settings: the theme, and the group last opened in each ledger.

One small JSON file in the user's config directory (`$SPLITLEDGER_CONFIG` names another
file): read by the app's opening worker, off the event loop and with nothing to import
(json, os, tempfile and textual.app are loaded by the app already); written atomically
(a private temporary file beside it, then a rename) whenever a setting changes, so a
crash mid-write leaves the old file. A file that cannot be read or parsed is ignored,
and the caller is told why (the app says so in a notification); it is never a reason
not to start.

On Linux the directory follows the XDG rules as `store.location` does (platformdirs
gives the same answer, at an import's cost); elsewhere platformdirs answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from textual.app import App

from splitledger.domain import visible

ENV_VAR = "SPLITLEDGER_CONFIG"
APP_NAME = "splitledger"
#: Ledgers whose last group is remembered, at most (the most recent kept).
MAX_LEDGERS = 20
#: Longer strings in the file are not names we wrote: the file is ignored.
MAX_TEXT = 500
#: A larger file is not one we wrote.
MAX_BYTES = 64 * 1024


class Settings(NamedTuple):
    """What the app remembers between runs (None: nothing remembered)."""

    theme: str | None = None
    #: The last group opened, by ledger (as `Ledger.where` names it), oldest first.
    groups: Mapping[str, str] = MappingProxyType({})

    def last_group(self, where: str) -> str | None:
        return self.groups.get(where)

    def with_theme(self, theme: str) -> Settings:
        return self._replace(theme=theme)

    def with_group(self, where: str, group: str) -> Settings:
        """These settings with `group` as the last one opened in `where` (the most
        recent ledger last; the oldest forgotten beyond `MAX_LEDGERS`)."""
        groups = {k: v for k, v in self.groups.items() if k != where}
        groups[where] = group
        while len(groups) > MAX_LEDGERS:
            del groups[next(iter(groups))]
        return self._replace(groups=groups)

    def as_json(self) -> dict[str, object]:
        return {"version": 1, "theme": self.theme, "last_group": dict(self.groups)}


def config_file() -> str:
    """`$SPLITLEDGER_CONFIG`, else `config.json` in platformdirs'
    `user_config_dir("splitledger")`."""
    override = os.environ.get(ENV_VAR, "")
    if override.strip():
        return os.path.expanduser(override)
    if sys.platform == "linux":
        base = os.environ.get("XDG_CONFIG_HOME", "")
        if not (base.strip() and os.path.isabs(base)):
            base = os.path.expanduser("~/.config")
        return os.path.join(base, APP_NAME, "config.json")
    from platformdirs import user_config_dir

    return os.path.join(user_config_dir(APP_NAME, appauthor=False), "config.json")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise ValueError(f"{what} is not a name")
    return value


def parse(data: bytes) -> Settings:
    """The settings in `data`; `ValueError` saying what is wrong with it."""
    try:
        found = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(found, dict):
        raise ValueError("not a JSON object")
    theme = found.get("theme")
    groups = found.get("last_group")
    groups = {} if groups is None else groups
    if not isinstance(groups, dict):
        raise ValueError("last_group is not an object")
    return Settings(
        theme=None if theme is None else _text(theme, "theme"),
        groups={
            _text(k, "a ledger"): _text(v, "a group")
            for k, v in list(groups.items())[-MAX_LEDGERS:]
        },
    )


def load(path: str) -> tuple[Settings, str | None]:
    """The settings at `path` and None; or, if the file cannot be read or parsed, no
    settings and why (one visible line). A missing file is no settings, no problem."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return Settings(), None
    except OSError as exc:
        return Settings(), visible(f"cannot read {path}: {exc.strerror or exc}")
    if len(data) > MAX_BYTES:
        return Settings(), visible(f"{path} is larger than {MAX_BYTES // 1024} KiB")
    try:
        return parse(data), None
    except ValueError as exc:
        return Settings(), visible(f"{path}: {exc}")


def save(path: str, settings: Settings) -> None:
    """Write `settings` to `path` atomically, readable by its owner only (the folder is
    created, owner-only, if missing). Raises `OSError`."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, mode=0o700, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(settings.as_json(), stream, ensure_ascii=False, indent=2)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class RememberingApp(App[None]):
    """An app that applies the settings read at start and remembers every change of
    theme and of group (written from a worker thread: a file write never holds the
    event loop); `config_path` None remembers nothing."""

    def __init__(self, config_path: str | None) -> None:
        super().__init__()
        self.config_path = config_path
        #: The remembered settings (as read at start, then as changed).
        self.settings = Settings()
        #: Where the open ledger is (the key of its remembered group).
        self.settings_where = ""
        #: One settings write at a time, each of the settings as they are then.
        self._settings_lock = threading.Lock()
        self._settings_failing = False

    def use_settings(self, where: str, settings: Settings, problem: str | None) -> None:
        """Apply the settings read at start for the ledger at `where` (before the first
        frame), then remember every change of theme (ctrl+t or the palette's picker)."""
        self.settings_where, self.settings = where, settings
        if problem is not None:
            self.notify(
                f"{problem}. It is ignored (and replaced when a setting changes).",
                title="Settings not read",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if settings.theme is not None:
            if settings.theme in self.available_themes:
                self.theme = settings.theme
            else:
                self.notify(
                    f"No theme named {visible(settings.theme)!r}; using {self.theme}.",
                    title="Settings",
                    severity="warning",
                    markup=False,
                )
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def remember_group(self, name: str) -> None:
        """`name` is the group now open in the ledger."""
        where = self.settings_where
        if where and self.settings.last_group(where) != name:
            self._save_settings(self.settings.with_group(where, name))

    def _theme_changed(self, _theme: object) -> None:
        if self.theme != self.settings.theme:
            self._save_settings(self.settings.with_theme(self.theme))

    def _save_settings(self, settings: Settings) -> None:
        self.settings = settings
        if self.config_path:
            self.run_worker(
                self._write_settings, thread=True, group="settings", exit_on_error=False
            )

    def _write_settings(self) -> None:
        with self._settings_lock:  # the latest settings, whichever write runs last
            path, settings = self.config_path, self.settings
            if not path:
                return
            try:
                save(path, settings)
            except OSError as exc:
                if not self._settings_failing:
                    self._settings_failing = True
                    self.call_from_thread(
                        self.notify,
                        visible(f"Cannot save the settings in {path}: {exc.strerror or exc}"),
                        title="Settings",
                        severity="warning",
                        markup=False,
                    )
