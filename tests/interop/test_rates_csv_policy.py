"""The rates CSV under the input policy: dates are YYYY-MM-DD within the ledger's range,
refused with the row and column otherwise; messages quote the file safely."""

from __future__ import annotations

import datetime as dt

import pytest

from splitledger.domain import DATE_MAX, DATE_MIN
from splitledger.interop.rates_csv import RatesFileError, parse_rates_csv

HEADER = "date,base,quote,rate\n"


@pytest.mark.parametrize("day", [DATE_MIN, DATE_MAX])
def test_dates_at_the_bounds_are_read(day: dt.date) -> None:
    (rate,) = parse_rates_csv(f"{HEADER}{day.isoformat()},EUR,USD,1.08\n")
    assert rate.date == day


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1969-12-31", "1969-12-31 is outside the supported range 1970-01-01 to 2099-12-31"),
        ("2100-01-01", "2100-01-01 is outside the supported range"),
        ("0001-01-01", "outside the supported range"),
        ("9999-12-31", "outside the supported range"),
        ("20261101", "'20261101' is not a date (use YYYY-MM-DD)"),
        ("2026-W44-1", "is not a date"),
        ("2026-11-01T00:00", "is not a date"),
        ("2026-02-30", "is not a date"),
        ("\x1b[2J", "'␛[2J' is not a date"),
    ],
)
def test_dates_outside_the_range_or_the_format_name_row_and_column(cell: str, message: str) -> None:
    with pytest.raises(RatesFileError) as caught:
        parse_rates_csv(f"{HEADER}2026-11-01,EUR,USD,1\n{cell},EUR,USD,1.08\n", source="r.csv")
    text = str(caught.value)
    assert text.startswith("r.csv, row 3, column date: ")
    assert message in text
    assert text.isprintable()


def test_messages_do_not_repeat_the_field_or_carry_raw_controls() -> None:
    with pytest.raises(RatesFileError) as caught:
        parse_rates_csv(f"{HEADER}2026-11-01,EUR,USD,-1\n", source="r.csv")
    assert str(caught.value).startswith("r.csv, row 2, column rate: '-1' is not")
    with pytest.raises(RatesFileError) as header:
        parse_rates_csv("date,base,\x1b]0;x\x07,rate\n", source="r.csv")
    assert "\x1b" not in str(header.value)
    assert "␛" in str(header.value)
