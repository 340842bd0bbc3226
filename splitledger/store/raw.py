"""Hand-written SQL on the unit of work's own DBAPI connection, for the write path.

Through the ORM each statement of a recorded expense cost 0.3–1.5 ms of Python
(profiled, docs/performance.md); through the driver's cursor it costs 10–30 µs. The
statements run inside the Session's transaction (same connection), so they commit or roll
back with it. SQL is written with `?` placeholders and translated once for psycopg.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

_KEY = "splitledger.raw"


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (our statements hold no literal `?` or `%`)."""
    return sql.replace("?", "%s")


class Raw:
    """The driver cursor of one unit of work, with values converted as SQLAlchemy stores
    them (SQLite: ISO text dates and naive-UTC datetimes; PostgreSQL: native types)."""

    __slots__ = ("_cursor", "sqlite")

    def __init__(self, connection: Connection) -> None:
        self.sqlite = connection.dialect.name == "sqlite"
        self._cursor: Any = connection.connection.cursor()

    @classmethod
    def of(cls, session: Session) -> Raw:
        """The session's `Raw`, made on first use (one cursor per unit of work)."""
        raw: Raw | None = session.info.get(_KEY)
        if raw is None:
            raw = session.info[_KEY] = cls(session.connection())
        return raw

    @classmethod
    def attach(cls, session: Session, connection: Connection) -> None:
        """Give `session` the `Raw` of the connection whose transaction it joined, so the
        write path's statements never start the Session's own machinery."""
        session.info[_KEY] = cls(connection)

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(self._sql(sql), params)

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor.executemany(self._sql(sql), rows)

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        self._cursor.execute(self._sql(sql), params)
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(self._sql(sql), params)
        return [tuple(r) for r in self._cursor.fetchall()]

    def all_in(self, sql: str, values: Sequence[Any], size: int = 500) -> list[tuple[Any, ...]]:
        """Rows of `sql`, whose `{}` is the list of an `IN (…)`, for `values` asked
        `size` at a time (drivers and SQLite bound the number of parameters)."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            rows += self.all(sql.format(", ".join("?" * len(chunk))), chunk)
        return rows

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """executemany of plain rows into `table` (names are our constants)."""
        marks = ", ".join("?" * len(columns))
        self.many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    def for_update(self) -> str:
        """The row-lock suffix of a SELECT (SQLite's BEGIN IMMEDIATE already locks)."""
        return "" if self.sqlite else " FOR UPDATE"

    def date(self, value: dt.date) -> Any:
        return value.isoformat() if self.sqlite else value

    def stamp(self, value: dt.datetime) -> Any:
        if not self.sqlite:
            return value
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
