"""Where the ledger lives: a path, a `postgresql://` URL, `$SPLITLEDGER_DB`, or the default
file in the user's data directory. Passwords never appear in anything we print.

Plain string handling (no SQLAlchemy URL, no platformdirs unless the default is needed):
every command resolves its ledger before anything else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_VAR = "SPLITLEDGER_DB"
APP_NAME = "splitledger"
_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


class TargetError(ValueError):
    """A `--db` value that names no ledger we can open."""


@dataclass(frozen=True, slots=True)
class Target:
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


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "ledger.db"


def log_dir() -> Path:
    override = os.environ.get("SPLITLEDGER_LOG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def resolve(target: str | None = None) -> Target:
    """The ledger `target` names (None: `$SPLITLEDGER_DB`, else the default file).

    A plain path means SQLite; `postgresql://` is driven by psycopg 3."""
    raw = target or os.environ.get(ENV_VAR) or str(default_db_path())
    if "://" not in raw:
        return Target(sqlite=True, path=str(Path(raw).expanduser().resolve()))
    scheme, rest = raw.split("://", 1)
    scheme = scheme.lower()
    if scheme in _POSTGRES_SCHEMES:
        return Target(sqlite=False, dsn=f"postgresql://{rest}")
    if scheme in _SQLITE_SCHEMES:
        # sqlite:///relative.db, sqlite:////absolute.db, sqlite:// (in memory)
        path = rest[1:] if rest.startswith("/") else rest
        if not path or path == ":memory:":
            return Target(sqlite=True, path=":memory:")
        return Target(sqlite=True, path=str(Path(path).expanduser().resolve()))
    raise TargetError(
        f"cannot open {_mask_password(raw)!r}: give a file path or a postgresql:// URL"
    )


def _mask_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def prepare_sqlite_file(path: Path) -> None:
    """Create the database file (and its folder) readable by its owner only."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
