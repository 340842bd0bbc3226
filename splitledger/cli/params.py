"""Option types and small parsers shared by the commands."""

from __future__ import annotations

import datetime as dt
import re

import click

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class DateType(click.ParamType[dt.date, object]):
    """A calendar date written YYYY-MM-DD."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        self.fail(f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2026-11-01", param, ctx)


DATE = DateType()


def assignment(text: str) -> tuple[str, str | None]:
    """`"ann=12.50"` -> ("ann", "12.50"); `"ann"` -> ("ann", None). The last `=` splits,
    so a name may contain `=` but not end with `=VALUE`; one that starts with `=` and has
    no other `=` is a name."""
    name, sep, value = text.rpartition("=")
    if not sep or not name.strip():
        return text.strip(), None
    return name.strip(), value.strip()
