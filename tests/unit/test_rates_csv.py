from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import DATE_MAX, DATE_MIN, Rate
from splitledger.interop.rates_csv import RatesFileError, parse_rates_csv


def test_reads_rates_with_bom_and_crlf() -> None:
    text = (
        "\ufeffdate,base,quote,rate\r\n2026-11-01,EUR,USD,1.08\r\n\r\n2026-11-02,usd,bdt,117.25\r\n"
    )
    assert parse_rates_csv(text) == [
        Rate(dt.date(2026, 11, 1), "EUR", "USD", Decimal("1.08")),
        Rate(dt.date(2026, 11, 2), "USD", "BDT", Decimal("117.25")),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("day,from,to,rate\n", "row 1: expected the header"),
        ("date,base,quote,rate\n", "no rates"),
        ("date,base,quote,rate\n2026-13-01,EUR,USD,1\n", "row 2, column date"),
        ("date,base,quote,rate\n2026-11-01,EUR,USD,-1\n", "row 2, column rate"),
        ("date,base,quote,rate\n2026-11-01,EUR,USD,1e3\n", "row 2, column rate"),
        ("date,base,quote,rate\n2026-11-01,EUR,XXZ,1\n", "row 2, column base/quote"),
        ("date,base,quote,rate\n2026-11-01,EUR,EUR,1\n", "row 2"),
        ("date,base,quote,rate\n2026-11-01,EUR,USD\n", "row 2: expected 4 columns"),
    ],
)
def test_malformed_files_name_row_and_column(text: str, message: str) -> None:
    with pytest.raises(RatesFileError, match=message):
        parse_rates_csv(text)


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=DATE_MIN, max_value=DATE_MAX),
            st.sampled_from(["EUR", "USD", "JPY", "BHD"]),
            st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(10**6), places=6),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_round_trip(rows: list[tuple[dt.date, str, Decimal]]) -> None:
    rates = [Rate(d, base, "GBP", r) for d, base, r in rows if r > 0]
    if not rates:
        return
    text = "date,base,quote,rate\n" + "".join(
        f"{r.date.isoformat()},{r.base},{r.quote},{r.rate}\n" for r in rates
    )
    assert parse_rates_csv(text) == rates
