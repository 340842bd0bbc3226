from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import (
    MAX_MINOR,
    AmountError,
    CurrencyError,
    Money,
    exponent,
    format_amount,
    from_decimal,
    normalize_currency,
    parse_amount,
    to_decimal,
)

from .strategies import currencies


@pytest.mark.parametrize(
    ("code", "places"),
    [("JPY", 0), ("USD", 2), ("EUR", 2), ("BHD", 3), ("HUF", 2), ("IDR", 2), ("IQD", 3)],
)
def test_exponent_comes_from_iso_4217_when_no_ledger_pinned_it(code: str, places: int) -> None:
    assert exponent(code) == places


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1,234.50", "USD", 123450),
        ("1800", "USD", 180000),
        ("1800", "JPY", 1800),
        ("12.345", "BHD", 12345),
        ("0.5", "USD", 50),
        (".5", "USD", 50),
        (" 42 ", "EUR", 4200),
        ("1,000,000", "JPY", 1000000),
        ("+4", "USD", 400),
    ],
)
def test_parse_accepts_plain_user_text(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "fragment"),
    [
        ("12.345", "USD", "3 decimal places but USD allows at most 2"),
        ("12.5", "JPY", "JPY allows no decimals"),
        ("NaN", "USD", "not a number"),
        ("-inf", "USD", "not a number"),
        ("Infinity", "USD", "not a number"),
        ("1e5", "USD", "scientific notation"),
        ("1E-2", "USD", "scientific notation"),
        ("1_0_0", "USD", "not an amount"),
        ("1 000", "USD", "not an amount"),
        ("0x10", "USD", "not an amount"),
        ("10eur", "USD", "not an amount"),
        ("10 eur", "USD", "not an amount"),
        ("", "USD", "empty"),
        ("abc", "USD", "not an amount"),
        ("1,2,3", "USD", "not an amount"),
        ("12,34", "USD", "not an amount"),
        ("1.2.3", "USD", "not an amount"),
        ("0", "USD", "must not be zero"),
        ("0.00", "USD", "must not be zero"),
        ("-5", "USD", "must be positive"),
        ("10000000000000.01", "USD", "too large"),
        ("9" * 40, "USD", "too large"),
        ("٣", "USD", "not an amount"),
    ],
)
def test_parse_refuses_with_a_message_naming_the_problem(
    text: str, currency: str, fragment: str
) -> None:
    with pytest.raises(AmountError, match=fragment) as info:
        parse_amount(text, currency)
    assert info.value.field == "amount"


def test_parse_allows_zero_and_negative_when_asked() -> None:
    assert parse_amount("0", "USD", allow_zero=True) == 0
    assert parse_amount("-4.25", "USD", allow_negative=True) == -425


def test_largest_amount_fits_int64_with_headroom() -> None:
    assert MAX_MINOR * 9000 < 2**63
    assert parse_amount("10,000,000,000,000.00", "USD") == MAX_MINOR


@pytest.mark.parametrize("code", ["usd", " eur "])
def test_currency_codes_are_normalised(code: str) -> None:
    assert normalize_currency(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["XXZ", "US", "EURO", "", "12A"])
def test_unknown_currency_is_refused(code: str) -> None:
    with pytest.raises(CurrencyError):
        normalize_currency(code)


def test_money_refuses_floats_and_formats() -> None:
    with pytest.raises(AmountError):
        Money(1.5, "USD")  # type: ignore[arg-type]
    assert str(Money(-123456, "USD")) == "-1,234.56 USD"
    assert str(Money(1800, "JPY")) == "1,800 JPY"


@given(currencies, st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR), st.booleans())
def test_parse_format_round_trip(currency: str, minor: int, grouping: bool) -> None:
    text = format_amount(minor, currency, grouping=grouping)
    assert parse_amount(text, currency, allow_zero=True, allow_negative=True) == minor


@given(currencies, st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR))
def test_decimal_round_trip(currency: str, minor: int) -> None:
    assert from_decimal(to_decimal(minor, currency), currency) == minor
