"""Read exchange rates from CSV: a header `date,base,quote,rate`, then one rate a row
(1 BASE = RATE QUOTE from DATE on). UTF-8 with or without a BOM, LF or CRLF. Every problem
is reported with its row and column; nothing is half-read."""

from __future__ import annotations

import csv
import datetime as dt
import io

from splitledger.domain import DomainError, Rate, parse_rate

HEADER = ["date", "base", "quote", "rate"]
MAX_ROWS = 1_000_000


class RatesFileError(ValueError):
    """A malformed rates file; the message names the row and column."""


def parse_rates_csv(text: str, *, source: str = "rates file") -> list[Rate]:
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
            f"{source}, row 1: expected the header {','.join(HEADER)}, got {','.join(header)}"
        )
    rates: list[Rate] = []
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
            day = dt.date.fromisoformat(date_text)
        except ValueError:
            raise RatesFileError(
                f"{source}, row {number}, column date: {date_text!r} is not a date (use YYYY-MM-DD)"
            ) from None
        try:
            rates.append(Rate(day, base, quote, parse_rate(rate_text)))
        except DomainError as exc:
            column = exc.field if exc.field in HEADER else "base/quote"
            raise RatesFileError(f"{source}, row {number}, column {column}: {exc}") from None
    if not rates:
        raise RatesFileError(f"{source}: no rates after the header")
    return rates
