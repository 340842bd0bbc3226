"""Option types and small parsers shared by the commands.

Each type refuses a bad value with a plain message; `cli.errors` puts the option's name
in front (`--date: 2026-02-30 is not a day of the calendar (February 2026 has 28 days)`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import click

from splitledger.domain import DATE_MAX, DATE_MIN, MAX_ID
from splitledger.services.errors import NotFound

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)
#: Longer numbers are not converted (int() refuses beyond 4300 digits): none is in range.
_MAX_DIGITS = 40


def _shown(value: object) -> str:
    """A value typed by the user, quoted for a message: never raw control characters."""
    return repr(str(value))


class DateType(click.ParamType[dt.date, object]):
    """A calendar date written YYYY-MM-DD, within the ledger's range."""

    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            date = value
        else:
            text = str(value).strip()
            found = _ISO_DATE.fullmatch(text)
            if found is None:
                self.fail(
                    f"{_shown(value)} is not a date; write YYYY-MM-DD, e.g. 2026-11-01", param, ctx
                )
            year, month, day = (int(part) for part in found.groups())
            if not 1 <= month <= 12:
                self.fail(f"{text} is not a day of the calendar (a year has 12 months)", param, ctx)
            if year == 0:
                self.fail(_out_of_range(text), param, ctx)
            days = calendar.monthrange(year, month)[1]
            if not 1 <= day <= days:
                month_name = f"{calendar.month_name[month]} {year}"
                self.fail(
                    f"{text} is not a day of the calendar ({month_name} has {days} days)",
                    param,
                    ctx,
                )
            date = dt.date(year, month, day)
        if not DATE_MIN <= date <= DATE_MAX:
            self.fail(_out_of_range(date.isoformat()), param, ctx)
        return date


def _out_of_range(text: str) -> str:
    return f"{text} is outside the supported range {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}"


DATE = DateType()


class CountType(click.ParamType[int, object]):
    """A whole number from `low` to `high`."""

    name = "N"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        text = str(value).strip()
        if not _WHOLE.fullmatch(text):
            self.fail(f"{_shown(value)} is not a whole number", param, ctx)
        if len(text) > _MAX_DIGITS or not self.low <= int(text) <= self.high:
            self.fail(f"{text} is not between {self.low} and {self.high}", param, ctx)
        return int(text)


class TxIdType(click.ParamType[int, object]):
    """A transaction id as the CLI prints it: `42` or `#42`. A number that no
    transaction can have (0, negative, beyond 64 bits) is not a transaction there is."""

    name = "TXID"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        text = str(value).strip().removeprefix("#")
        if not _WHOLE.fullmatch(text):
            self.fail(
                f"{_shown(value)} is not a transaction id; write its number, e.g. 42", param, ctx
            )
        number = int(text) if len(text) <= _MAX_DIGITS else None
        if number is None or not 0 < number <= MAX_ID:
            shown = text.lstrip("+") if number is None else str(number)
            raise NotFound(no_such_transaction(shown), field="tx")
        return number


def no_such_transaction(tx_id: int | str) -> str:
    return f"no such transaction #{tx_id}"


TXID = TxIdType()


def assignment(text: str) -> tuple[str, str | None]:
    """`"ann=12.50"` -> ("ann", "12.50"); `"ann"` -> ("ann", None). The last `=` splits,
    so a name may contain `=` but not end with `=VALUE`; one that starts with `=` and has
    no other `=` is a name."""
    name, sep, value = text.rpartition("=")
    if not sep or not name.strip():
        return text.strip(), None
    return name.strip(), value.strip()


ITEM_FORM = "DESCRIPTION=AMOUNT:M1,M2"
#: How much of a refused item a message quotes.
_QUOTED_ITEM = 60


class ItemType(click.ParamType[tuple[str, str, tuple[str, ...]], object]):
    """A line of an itemised receipt, `DESCRIPTION=AMOUNT:M1,M2`, split at its last `:`
    (the members after it, separated by commas) and then at the last `=` before that
    (the amount after it): so a description may hold any text, `=` and `:` included
    (`Ratio 1:2=6:ann`), while a member named in an item cannot hold `:` or `,`. The
    amount and the names are checked by the services."""

    name = ITEM_FORM

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str, tuple[str, ...]]:
        text = str(value)
        shown = _shown(text if len(text) <= _QUOTED_ITEM else text[:_QUOTED_ITEM] + "…")
        head, colon, who = text.rpartition(":")
        what, equals, amount = head.rpartition("=")
        if not colon or not equals:
            self.fail(f"{shown} is not {ITEM_FORM} (e.g. 'Pizza=12.50:ann,bob')", param, ctx)
        what, amount = what.strip(), amount.strip()
        members = tuple(m.strip() for m in who.split(","))
        if not what:
            self.fail(f"{shown} has no description before '='", param, ctx)
        if not amount:
            self.fail(f"{shown} has no amount between '=' and ':'", param, ctx)
        if not any(members):
            self.fail(f"{shown} names no member after ':'", param, ctx)
        if not all(members):
            self.fail(f"{shown} has an empty member name (',,' or a ',' at an end)", param, ctx)
        return what, amount, members


ITEM = ItemType()
