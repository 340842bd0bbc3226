"""Money as integer minor units: exact parsing of user text and exact formatting.

No float ever touches an amount. Text is parsed with a strict grammar into an integer
count of minor units, so "0.1 + 0.2" problems cannot arise and every value fits a signed
64-bit column with head-room for sums (see `MAX_MINOR`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from splitledger.domain.currency import exponent, normalize_currency
from splitledger.domain.errors import AmountError

#: Largest absolute amount of one posting, in minor units. 10**15 leaves a factor of
#: ~9,000 below 2**63 so that the sum of thousands of maximal postings still fits in
#: a signed 64-bit column. (It is ten trillion dollars: no shared bill comes close.)
MAX_MINOR = 10**15

# Digits with optional well-formed thousands groups, then an optional fraction.
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)?"
    r"(?:\.(?P<frac>\d+))?",
    re.ASCII,  # \d must not accept other scripts' digits
)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency, as a signed integer count of minor units."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise AmountError(f"an amount must be a whole number of cents, got {self.minor!r}")
        if abs(self.minor) > MAX_MINOR:
            raise AmountError("amount: too large for the ledger")
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    def __str__(self) -> str:
        return f"{format_amount(self.minor, self.currency)} {self.currency}"


_EXPONENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", re.ASCII)


def _reject_special(text: str, field: str) -> None:
    lowered = text.lower()
    if lowered.lstrip("+-") in {"nan", "snan", "inf", "infinity"}:
        raise AmountError(f"{field}: {text!r} is not a number of money", field=field)
    if _EXPONENT.fullmatch(text):
        raise AmountError(
            f"{field}: {text!r} is written in scientific notation; write the amount out in "
            "digits, e.g. 1000",
            field=field,
        )


def parse_amount(
    text: str,
    currency: str,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    field: str = "amount",
) -> int:
    """Parse user text such as "1,234.50", "1800" or "12.345" into minor units.

    Refuses, with a message naming `field`: empty text, anything but ASCII digits, one
    optional sign, thousands commas in groups of three and one decimal point (so no
    spaces, underscores, currency names or hex); more decimals than the
    currency allows; NaN, infinity and exponents; zero or negative values unless allowed;
    and values beyond `MAX_MINOR`.
    """
    code = normalize_currency(currency)
    places = exponent(code)
    if not isinstance(text, str):
        raise AmountError(f"{field}: expected text, got {type(text).__name__}", field=field)
    cleaned = text.strip()
    if not cleaned:
        raise AmountError(f"{field}: is empty", field=field)
    _reject_special(cleaned, field)
    match = _NUMBER.fullmatch(cleaned)
    if match is None or (match["int"] is None and match["frac"] is None):
        raise AmountError(
            f"{field}: {text!r} is not an amount (use digits, e.g. 1234.50 or 1,234.50)",
            field=field,
        )
    frac = match["frac"] or ""
    if len(frac) > places:
        allowed = "no decimals" if places == 0 else f"at most {places} decimal places"
        raise AmountError(
            f"{field}: {text!r} has {len(frac)} decimal place{'s' if len(frac) != 1 else ''} "
            f"but {code} allows {allowed}",
            field=field,
        )
    int_part = (match["int"] or "0").replace(",", "")
    if len(int_part) > 20:
        raise AmountError(f"{field}: {text!r} is too large", field=field)
    minor = int(int_part) * 10**places + int(frac.ljust(places, "0") or "0")
    if match["sign"] == "-":
        minor = -minor
    return check_minor(
        minor, code, allow_zero=allow_zero, allow_negative=allow_negative, field=field
    )


def check_minor(
    minor: int,
    currency: str,
    *,
    allow_zero: bool = False,
    allow_negative: bool = False,
    field: str = "amount",
) -> int:
    """Validate an amount already in minor units; return it unchanged."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise AmountError(f"{field}: must be a whole number of cents", field=field)
    if abs(minor) > MAX_MINOR:
        limit = format_amount(MAX_MINOR, currency)
        raise AmountError(f"{field}: too large (at most {limit} {currency})", field=field)
    if minor == 0 and not allow_zero:
        raise AmountError(f"{field}: must not be zero", field=field)
    if minor < 0 and not allow_negative:
        raise AmountError(f"{field}: must be positive", field=field)
    return minor


def format_amount(minor: int, currency: str, *, grouping: bool = True) -> str:
    """Exact decimal text of `minor` in major units: "-1,234.50" (or "-1234.50" without
    grouping, the form used in CSV and JSON so that numbers stay numbers)."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**places)
    whole_text = f"{whole:,}" if grouping else str(whole)
    if places == 0:
        return f"{sign}{whole_text}"
    return f"{sign}{whole_text}.{frac:0{places}d}"


def to_decimal(minor: int, currency: str) -> Decimal:
    """The exact `Decimal` value of `minor` in major units (for journals and rates)."""
    return Decimal(minor).scaleb(-exponent(currency))


def from_decimal(value: Decimal, currency: str, *, field: str = "amount") -> int:
    """Exact minor units of a `Decimal`; refuses values with too many decimals."""
    if not value.is_finite():
        raise AmountError(f"{field}: {value} is not a number of money", field=field)
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise AmountError(f"{field}: {value} has more decimals than {currency} allows", field=field)
    return check_minor(int(scaled), currency, allow_zero=True, allow_negative=True, field=field)


_PLAIN_DECIMAL = re.compile(r"(?P<num>[+]?(?:\d+(?:\.\d*)?|\.\d+))(?P<pct>%?)", re.ASCII)


def parse_decimal(text: str, *, field: str, allow_percent: bool = False) -> Decimal:
    """A non-negative decimal typed by a user (a percentage or a weight), exactly.

    Accepts "33.33", "2", ".5" and, when `allow_percent`, a trailing "%". Refuses signs,
    exponents, NaN and infinity with a message naming `field`.
    """
    cleaned = text.strip()
    match = _PLAIN_DECIMAL.fullmatch(cleaned)
    if match is None or (match["pct"] and not allow_percent):
        raise AmountError(f"{field}: {text!r} is not a non-negative number", field=field)
    value = Decimal(match["num"])
    if value > MAX_MINOR:
        raise AmountError(f"{field}: {text!r} is too large", field=field)
    return value
