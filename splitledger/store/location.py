"""Where the ledger lives: a path, a SQLAlchemy URL, `$SPLITLEDGER_DB`, or the default file
in the user's data directory. Passwords never appear in anything we print."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path
from sqlalchemy.engine import URL, make_url

ENV_VAR = "SPLITLEDGER_DB"
APP_NAME = "splitledger"


def default_db_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "ledger.db"


def log_dir() -> Path:
    override = os.environ.get("SPLITLEDGER_LOG_DIR")
    return Path(override) if override else user_log_path(APP_NAME, appauthor=False)


def resolve_url(target: str | None = None) -> URL:
    """The SQLAlchemy URL for `target` (None: `$SPLITLEDGER_DB`, else the default file).

    A plain path means SQLite; `postgresql://` is driven by psycopg 3.
    """
    raw = target or os.environ.get(ENV_VAR) or str(default_db_path())
    if "://" not in raw:
        return URL.create("sqlite+pysqlite", database=str(Path(raw).expanduser().resolve()))
    url = make_url(raw)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    elif url.drivername == "sqlite":
        url = url.set(drivername="sqlite+pysqlite")
    return url


def display_url(url: URL) -> str:
    """The URL with any password masked, for messages and logs."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def prepare_sqlite_file(path: Path) -> None:
    """Create the database file (and its folder) readable by its owner only."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
