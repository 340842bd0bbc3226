"""Read exchange rates from CSV: a header `date,base,quote,rate`, then one rate a row
(1 BASE = RATE QUOTE from DATE on). UTF-8 with or without a BOM, LF or CRLF. Dates are
YYYY-MM-DD within the ledger's range (`DATE_MIN`..`DATE_MAX`). Every problem is reported
with its row and column; nothing is half-read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from splitledger.domain import DomainError, Rate, check_date, parse_rate, visible

HEADER = ["date", "base", "quote", "rate"]
MAX_ROWS = 1_000_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class RatesFileError(ValueError):
    """A malformed rates file; the message names the row and column."""


def _shown(text: str, limit: int = 60) -> str:
    """File text quoted in a message: control characters made visible, cut short."""
    return repr(visible(text) if len(text) <= limit else visible(text[:limit]) + "…")


def _day(text: str) -> dt.date:
    """A YYYY-MM-DD date within the ledger's range; ValueError with the reason."""
    if _ISO_DATE.fullmatch(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            try:
                return check_date(day)
            except DomainError as exc:
                raise ValueError(str(exc).removeprefix("date: ")) from None
    raise ValueError(f"{_shown(text)} is not a date (use YYYY-MM-DD)")


def parse_rates_csv(text: str, *, source: str = "rates file") -> list[Rate]:
    return [rate for _, rate in parse_rates_csv_rows(text, source=source)]


def parse_rates_csv_rows(text: str, *, source: str = "rates file") -> list[tuple[int, Rate]]:
    """Each rate with the file's row it is on (the header is row 1; blank rows are
    skipped but counted), so that what the ledger refuses later names the right row."""
    if text.startswith("\ufeff"):
        text = text[1:]
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except StopIteration:
        raise RatesFileError(
            f"{source}: the file is empty (expected a header row {','.join(HEADER)})"
        ) from None
    if [h.strip().lower() for h in header] != HEADER:
        raise RatesFileError(
            f"{source}, row 1: expected the header {','.join(HEADER)}, got "
            f"{_shown(','.join(header))}"
        )
    rates: list[tuple[int, Rate]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            raise RatesFileError(
                f"{source}, row {number}: expected {len(HEADER)} columns, got {len(row)}"
            )
        if len(rates) >= MAX_ROWS:
            raise RatesFileError(f"{source}: more than {MAX_ROWS:,} rates; split the file")
        date_text, base, quote, rate_text = (cell.strip() for cell in row)
        try:
            day = _day(date_text)
        except ValueError as exc:
            raise RatesFileError(f"{source}, row {number}, column date: {exc}") from None
        try:
            rates.append((number, Rate(day, base, quote, parse_rate(rate_text))))
        except DomainError as exc:
            column = exc.field if exc.field in HEADER else "base/quote"
            message = str(exc).removeprefix(f"{exc.field}: ")
            raise RatesFileError(f"{source}, row {number}, column {column}: {message}") from None
    if not rates:
        raise RatesFileError(f"{source}: no rates after the header")
    return rates
