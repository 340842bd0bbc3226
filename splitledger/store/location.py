"""Where the ledger lives: a path, a `postgresql://` URL, `$SPLITLEDGER_DB`, or the default
file in the user's data directory. Passwords never appear in anything we print.

Plain strings and `os.path` (no SQLAlchemy URL, no pathlib): every command resolves its
ledger, and most write an event to the log, before anything else (ADR 0015). The user
directories follow the XDG rules on Linux, as platformdirs computes them (a test keeps
the two equal); elsewhere platformdirs answers.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

ENV_VAR = "SPLITLEDGER_DB"
APP_NAME = "splitledger"
_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


class TargetError(ValueError):
    """A `--db` value that names no ledger we can open."""


class Target(NamedTuple):
    """A resolved ledger: an SQLite file (`path`, absolute, or ":memory:") or a
    PostgreSQL database (`dsn`, a libpq URI)."""

    sqlite: bool
    path: str | None = None
    dsn: str | None = None

    @property
    def where(self) -> str:
        """The ledger as messages and logs name it (any password masked)."""
        if self.sqlite:
            return self.path or ":memory:"
        return _mask_password(self.dsn or "")

    def sqlalchemy_url(self) -> str:
        """The same ledger as a SQLAlchemy URL (for migrations and tests)."""
        if self.sqlite:
            return f"sqlite+pysqlite:///{self.path or ':memory:'}"
        rest = (self.dsn or "").split("://", 1)[1]
        return f"postgresql+psycopg://{rest}"


def _xdg(variable: str, default: str) -> str:
    """`$variable`, unless unset, blank or relative (which the XDG spec says to ignore)."""
    base = os.environ.get(variable, "")
    return base if base.strip() and os.path.isabs(base) else os.path.expanduser(default)


def user_data_dir() -> str:
    """platformdirs' `user_data_dir(APP_NAME, appauthor=False)`."""
    if sys.platform == "linux":
        return os.path.join(_xdg("XDG_DATA_HOME", "~/.local/share"), APP_NAME)
    from platformdirs import user_data_dir as platform_dir

    return platform_dir(APP_NAME, appauthor=False)


def user_log_dir() -> str:
    """platformdirs' `user_log_dir(APP_NAME, appauthor=False)`."""
    if sys.platform == "linux":
        return os.path.join(_xdg("XDG_STATE_HOME", "~/.local/state"), APP_NAME, "log")
    from platformdirs import user_log_dir as platform_dir

    return platform_dir(APP_NAME, appauthor=False)


def default_db_file() -> str:
    return os.path.join(user_data_dir(), "ledger.db")


def default_db_path() -> Path:
    from pathlib import Path

    return Path(default_db_file())


def log_dir_name() -> str:
    """The folder of the event log: `$SPLITLEDGER_LOG_DIR`, else the user log folder."""
    return os.environ.get("SPLITLEDGER_LOG_DIR") or user_log_dir()


def log_dir() -> Path:
    from pathlib import Path

    return Path(log_dir_name())


def resolve(target: str | None = None) -> Target:
    """The ledger `target` names (None: `$SPLITLEDGER_DB`, else the default file).

    A plain path means SQLite; `postgresql://` is driven by psycopg 3."""
    if target is not None and not target.strip():
        # `--db ""` (an unset shell variable, say) must not quietly open the default
        raise TargetError("the ledger named is empty: give a file path or a postgresql:// URL")
    raw = target or os.environ.get(ENV_VAR) or default_db_file()
    if "://" not in raw:
        return Target(sqlite=True, path=_absolute(raw))
    scheme, rest = raw.split("://", 1)
    scheme = scheme.lower()
    if scheme in _POSTGRES_SCHEMES:
        return Target(sqlite=False, dsn=f"postgresql://{rest}")
    if scheme in _SQLITE_SCHEMES:
        # sqlite:///relative.db, sqlite:////absolute.db, sqlite:// (in memory)
        path = rest[1:] if rest.startswith("/") else rest
        if not path or path == ":memory:":
            return Target(sqlite=True, path=":memory:")
        return Target(sqlite=True, path=_absolute(path))
    raise TargetError(
        f"cannot open {_mask_password(raw)!r}: give a file path or a postgresql:// URL"
    )


def _absolute(path: str) -> str:
    """As `Path(path).expanduser().resolve()`: absolute, links resolved."""
    return os.path.realpath(os.path.expanduser(path))


def _mask_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def prepare_sqlite_file(path: str) -> None:
    """Create the database file (and its folder) readable by its owner only."""
    if os.path.exists(path):
        return
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
