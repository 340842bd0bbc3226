"""Currencies: ISO 4217 minor units for codes no ledger has pinned, only spendable money
accepted, and pins (a ledger's stored exponents) consulted first (ADR 0002)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import (
    MAX_MINOR,
    CurrencyError,
    Posting,
    exponent,
    format_amount,
    normalize_currency,
    parse_amount,
)
from splitledger.domain.currency import (
    pin,
    pinned,
    spendable_currencies,
    standard_exponent,
    unpin,
)


@pytest.fixture(autouse=True)
def _no_pins_left() -> Iterator[None]:
    """Each test starts and ends with no pins, so one cannot change another's scales."""
    assert pinned() == {}
    yield
    for code in list(pinned()):
        while code in pinned():
            unpin(code)


@pytest.mark.parametrize(
    ("code", "places"),
    [
        # ISO 4217 where CLDR (the old source) said 0
        ("HUF", 2),
        ("IDR", 2),
        ("COP", 2),
        ("IQD", 3),
        ("AFN", 2),
        ("YER", 2),
        # the same in both
        ("JPY", 0),
        ("USD", 2),
        ("BHD", 3),
        ("KWD", 3),
        ("ISK", 0),
        # X-codes that are money
        ("XAF", 0),
        ("XOF", 0),
        ("XPF", 0),
        ("XCD", 2),
        ("XCG", 2),
    ],
)
def test_currencies_no_ledger_pinned_take_iso_4217_minor_units(code: str, places: int) -> None:
    assert standard_exponent(code) == places
    assert exponent(code) == places
    assert exponent(code.lower()) == places


REFUSED = [
    ("XAU", "is not money that people spend (a precious metal"),
    ("XAG", "is not money that people spend (a precious metal"),
    ("XPT", "is not money that people spend (a precious metal"),
    ("XPD", "is not money that people spend (a precious metal"),
    ("BOV", "is not money that people spend (a fund code"),
    ("CLF", "is not money that people spend (a fund code"),
    ("COU", "is not money that people spend (a fund code"),
    ("MXV", "is not money that people spend (a fund code"),
    ("CHE", "is not money that people spend (a fund code"),
    ("CHW", "is not money that people spend (a fund code"),
    ("USN", "is not money that people spend (a fund code"),
    ("UYI", "is not money that people spend (a fund code"),
    ("UYW", "is not money that people spend (an index unit"),
    ("XAD", "is not money that people spend (a unit of account"),
    ("XDR", "is not money that people spend (a unit of account"),
    ("XSU", "is not money that people spend (a unit of account"),
    ("XUA", "is not money that people spend (a unit of account"),
    ("XBA", "is not money that people spend (a unit of account"),
    ("XBD", "is not money that people spend (a unit of account"),
    ("XTS", "is not money that people spend (a code reserved for testing"),
    ("XXX", "is not money that people spend (the code for transactions without"),
    ("DEM", "is not a current ISO 4217 currency"),
    ("ITL", "is not a current ISO 4217 currency"),
    ("HRK", "is not a current ISO 4217 currency"),
    ("QQQ", "is not a current ISO 4217 currency (an unknown currency"),
]


@pytest.mark.parametrize(("code", "fragment"), REFUSED, ids=[c for c, _ in REFUSED])
def test_codes_that_are_not_spendable_money_are_refused_in_plain_words(
    code: str, fragment: str
) -> None:
    for check in (normalize_currency, exponent, standard_exponent):
        with pytest.raises(CurrencyError, match=f"^{code} {re.escape(fragment)}") as caught:
            check(code)
        assert caught.value.field == "currency"
        message = str(caught.value)
        assert "minor unit" not in message
        assert "Error" not in message
    with pytest.raises(CurrencyError):
        Posting("ann", code, 5)


def test_malformed_codes_are_refused() -> None:
    for bad in ("EURO", "E1R", "", "€"):
        with pytest.raises(CurrencyError, match="is not a 3-letter ISO 4217 code"):
            normalize_currency(bad)


def test_a_pin_comes_before_iso_and_goes_with_its_last_holder() -> None:
    pin("HUF", 0)  # a ledger that stored HUF before ISO exponents
    pin("HUF", 0)  # a second open ledger that agrees
    assert exponent("HUF") == 0
    assert exponent("huf") == 0
    assert parse_amount("1,500", "HUF") == 1500
    assert format_amount(1500, "HUF") == "1,500"
    unpin("HUF")
    assert exponent("HUF") == 0  # the other ledger still holds it
    unpin("HUF")
    assert exponent("HUF") == 2
    assert parse_amount("1,500", "HUF") == 150000


def test_a_conflicting_pin_is_refused() -> None:
    pin("HUF", 0)
    with pytest.raises(CurrencyError, match="HUF is already counted to 0 decimal places"):
        pin("HUF", 2)
    assert exponent("HUF") == 0
    for code, places in (("HU", 2), ("EUR", -1), ("EUR", 9), ("EUR", True)):
        with pytest.raises(CurrencyError):
            pin(code, places)
    assert pinned() == {"HUF": 0}


def test_a_pinned_code_stays_usable_though_iso_withdrew_it() -> None:
    """A ledger that used DEM (accepted before ISO was the source) keeps working."""
    with pytest.raises(CurrencyError):
        normalize_currency("DEM")
    pin("DEM", 2)
    assert normalize_currency("dem") == "DEM"
    assert Posting("ann", "DEM", 5).currency == "DEM"
    assert format_amount(-123456, "DEM") == "-1,234.56"
    unpin("DEM")
    with pytest.raises(CurrencyError, match="DEM is not a current ISO 4217 currency"):
        normalize_currency("dem")


SPENDABLE = spendable_currencies()


def test_the_spendable_list_is_iso_money() -> None:
    assert {"EUR", "USD", "JPY", "HUF", "IQD", "XAF", "XCG"} <= set(SPENDABLE)
    assert not {"XAU", "XTS", "XXX", "CLF", "UYW", "XAD", "DEM"} & set(SPENDABLE)
    assert len(SPENDABLE) > 140


@given(
    code=st.sampled_from(SPENDABLE),
    places=st.integers(0, 4),
    minor=st.integers(-MAX_MINOR, MAX_MINOR),
)
def test_every_spendable_code_round_trips_at_its_pinned_exponent(
    code: str, places: int, minor: int
) -> None:
    """Whatever exponent a ledger pinned, text and integers map one to one at it."""
    pin(code, places)
    try:
        for grouping in (True, False):
            text = format_amount(minor, code, grouping=grouping)
            assert parse_amount(text, code, allow_zero=True, allow_negative=True) == minor
            assert text.count(".") == (1 if places else 0)
            assert len(text.partition(".")[2]) == places
    finally:
        unpin(code)


@given(code=st.sampled_from(SPENDABLE), minor=st.integers(-MAX_MINOR, MAX_MINOR))
def test_every_spendable_code_round_trips_at_iso(code: str, minor: int) -> None:
    text = format_amount(minor, code, grouping=False)
    assert parse_amount(text, code, allow_zero=True, allow_negative=True) == minor


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


def test_the_iso_table_is_read_only_for_a_code_not_pinned() -> None:
    """Start-up and a ledger whose currencies are all pinned never parse the ISO XML."""
    assert "iso4217" not in _modules_after("import splitledger.domain")
    pinned_only = (
        "from splitledger.domain import currency as c, format_amount, parse_amount\n"
        "c.pin('EUR', 2)\n"
        "format_amount(parse_amount('12.50', 'eur'), 'EUR')"
    )
    assert "iso4217" not in _modules_after(pinned_only)
    assert "iso4217" in _modules_after("import splitledger.domain as d\nd.exponent('HUF')")
