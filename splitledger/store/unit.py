"""The handle of one database transaction: the driver's cursor, with SQL written once.

Every repository function takes a `Unit` and runs plain SQL on the DB-API cursor
(sqlite3 or psycopg); no ORM or SQL compiler is imported at run time (ADR 0008, 0015).
SQL is written with `?` placeholders and translated once for psycopg. Values are
converted as the schema stores them: SQLite keeps ISO text dates and naive-UTC
datetimes, PostgreSQL native types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

#: The character `like_pattern` escapes with (`ESCAPE '/'` in the SQL).
LIKE_ESCAPE = "/"


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (our statements hold no literal `?` or `%`)."""
    return sql.replace("?", "%s")


def like_pattern(text: str, *, prefix: bool = False) -> str:
    """A LIKE pattern (used with `ESCAPE '/'`) matching `text` literally: inside any text,
    or at the start with `prefix`. Its `%`, `_` and `/` match only themselves."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


class Unit:
    """One transaction's cursor plus a scratch dict (`info`) that lives as long as the
    transaction: what a use case caches within it (members, pins taken)."""

    __slots__ = ("_cursor", "info", "sqlite")

    def __init__(self, cursor: Any, *, sqlite: bool) -> None:
        self._cursor = cursor
        self.sqlite = sqlite
        self.info: dict[str, Any] = {}

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

    def all_in(
        self, sql: str, values: Sequence[Any], params: Sequence[Any] = (), size: int = 500
    ) -> list[tuple[Any, ...]]:
        """Rows of `sql`, whose `{}` is the list of an `IN (…)`, for `values` asked
        `size` at a time (drivers and SQLite bound the number of parameters); `params`
        bind the placeholders after the list."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            rows += self.all(sql.format(", ".join("?" * len(chunk))), [*chunk, *params])
        return rows

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """executemany of plain rows into `table` (names are our constants)."""
        marks = ", ".join("?" * len(columns))
        self.many(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    def insert_id(self, table: str, columns: Sequence[str], row: Sequence[Any]) -> int:
        """Insert one row and return its new `id`."""
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) RETURNING id"  # noqa: S608
        found = self.one(sql, row)
        assert found is not None  # noqa: S101 - RETURNING always yields the row
        return int(found[0])

    def for_update(self) -> str:
        """The row-lock suffix of a SELECT (SQLite's BEGIN IMMEDIATE already locks)."""
        return "" if self.sqlite else " FOR UPDATE"

    # -- values as stored and read back ------------------------------------------------

    def date(self, value: dt.date) -> Any:
        return value.isoformat() if self.sqlite else value

    def stamp(self, value: dt.datetime) -> Any:
        if not self.sqlite:
            return value
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def read_date(self, value: Any) -> dt.date:
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    def read_stamp(self, value: Any) -> dt.datetime:
        """As SQLAlchemy gave it before (ADR 0015): naive UTC on SQLite, aware on
        PostgreSQL."""
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
