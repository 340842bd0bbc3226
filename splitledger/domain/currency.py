"""ISO 4217 currencies and their minor-unit exponents (ADR 0002).

Two sources, in this order:

1. **Pins**: the exponent a ledger fixed for a code the first time it used it. The store
   registers an open ledger's pins here (`pin`), so every amount of that ledger is read
   and written at the scale it was stored at, whatever the ISO table says today.
2. **ISO 4217**, via the `iso4217` package, for codes no open ledger has pinned: the
   exponent a ledger will pin when it first uses the code. Only money that people spend
   is accepted: not precious metals, funds, units of account, test codes or withdrawn
   currencies.

The ISO table (an XML file) is parsed only when a code that is not pinned is checked,
so opening a ledger whose currencies are all pinned never pays for it.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import NamedTuple

from splitledger.domain.errors import CurrencyError

_CODE = re.compile(r"[A-Z]{3}")

#: Largest exponent a pin may carry (ISO's largest is 4; 8 keeps `MAX_MINOR` meaningful).
MAX_EXPONENT = 8

#: Codes the ISO table lists with minor units but without its fund flag, although no one
#: spends them: index units and accounting units of international bodies.
_NOT_MONEY = {
    "UYW": "an index unit, Unidad Previsional",
    "XAD": "a unit of account, Arab Accounting Dinar",
}
_METALS = frozenset({"XAU", "XAG", "XPD", "XPT"})


class _IsoEntry(NamedTuple):
    """One row of the ISO table."""

    name: str
    minor_units: str  # digits, or "N.A." for codes that are not money
    fund: bool


@cache
def _iso_table() -> dict[str, _IsoEntry]:
    """The current ISO 4217 table (parsed on first use: ~30 ms)."""
    import iso4217

    table: dict[str, _IsoEntry] = {}
    for entry in iso4217.raw_xml.iterfind("CcyTbl/CcyNtry"):
        code, name, units = entry.find("Ccy"), entry.find("CcyNm"), entry.find("CcyMnrUnts")
        if code is None or code.text is None or name is None:
            continue  # a territory without a currency of its own
        table[code.text.strip()] = _IsoEntry(
            name=(name.text or "").strip(),
            minor_units=(units.text or "").strip() if units is not None else "",
            fund=name.get("IsFund") == "true",
        )
    return table


def _not_spendable(code: str, entry: _IsoEntry) -> str | None:
    """Why `code` is not money that people spend, or None when it is. (No ": " in it:
    the services take what follows a message's first ": " as its detail.)"""
    if code in _METALS:
        return "a precious metal"
    if entry.fund:
        return f"a fund code, {entry.name}"
    if code in _NOT_MONEY:
        return _NOT_MONEY[code]
    if code == "XTS":
        return "a code reserved for testing"
    if code == "XXX":
        return "the code for transactions without a currency"
    if not entry.minor_units.isdigit():
        return f"a unit of account, {entry.name}"
    return None


@cache
def standard_exponent(code: str) -> int:
    """ISO 4217's minor units of a spendable, upper-case `code` (HUF 2, JPY 0, IQD 3):
    the exponent a ledger pins when it first uses the code. Raises `CurrencyError`."""
    entry = _iso_table().get(code)
    if entry is None:
        raise CurrencyError(
            f"{code} is not a current ISO 4217 currency (an unknown currency, or one that "
            "was withdrawn)",
            field="currency",
        )
    reason = _not_spendable(code, entry)
    if reason is not None:
        raise CurrencyError(f"{code} is not money that people spend ({reason})", field="currency")
    return int(entry.minor_units)


def spendable_currencies() -> tuple[str, ...]:
    """Every code a ledger may start using (the ones `standard_exponent` accepts), sorted."""
    return tuple(
        sorted(code for code, entry in _iso_table().items() if not _not_spendable(code, entry))
    )


# -- pins ---------------------------------------------------------------------------

#: code -> exponent, for codes that an open ledger has fixed. Read without the lock (a
#: dict lookup is atomic); changed under it.
_pins: dict[str, int] = {}
#: code -> how many open ledgers hold the pin; it goes when the last one lets go.
_holders: dict[str, int] = {}
_lock = threading.Lock()


def pin(code: str, places: int) -> None:
    """Register that an open ledger keeps `code` at `places` decimal places.

    A code may be pinned again at the same exponent (each pin is released once); a
    different exponent is refused: one program cannot read two scales for one code.
    Pinned codes are accepted even if ISO no longer lists them as money (a ledger that
    used DEM keeps working).
    """
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise CurrencyError(f"{code!r} is not a 3-letter ISO 4217 code", field="currency")
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_EXPONENT:
        raise CurrencyError(f"{code} cannot have {places!r} decimal places", field="currency")
    with _lock:
        held = _pins.get(code)
        if held is not None and held != places:
            raise CurrencyError(
                f"{code} is already counted to {held} decimal places in this program, not {places}",
                field="currency",
            )
        _pins[code] = places
        _holders[code] = _holders.get(code, 0) + 1


def unpin(code: str) -> None:
    """Release one `pin` of `code` (a ledger was closed)."""
    with _lock:
        left = _holders.get(code, 0) - 1
        if left > 0:
            _holders[code] = left
            return
        _holders.pop(code, None)
        if _pins.pop(code, None) is not None:
            _normalize.cache_clear()  # a pinned but withdrawn code is refused again


def pinned() -> dict[str, int]:
    """A copy of the codes pinned in this program, with their exponents."""
    return dict(_pins)


# -- lookups ------------------------------------------------------------------------


def normalize_currency(code: str) -> str:
    """Return the upper-case ISO 4217 code, or raise `CurrencyError` naming the problem."""
    if not isinstance(code, str):
        raise CurrencyError(
            f"expected a 3-letter ISO 4217 code such as EUR, got {code!r}", field="currency"
        )
    return _normalize(code)


@cache
def _normalize(code: str) -> str:
    """Cached: exports call this once per posting (profiled at ~17% of an export)."""
    cleaned = code.strip().upper()
    if not _CODE.fullmatch(cleaned):
        raise CurrencyError(
            f"{code!r} is not a 3-letter ISO 4217 code such as EUR or USD",
            field="currency",
        )
    if cleaned not in _pins:
        standard_exponent(cleaned)  # raises unless it is spendable money
    return cleaned


def exponent(code: str) -> int:
    """Number of decimal places of the currency's minor unit: the pinned one if an open
    ledger fixed it, else ISO 4217's (USD 2, JPY 0, BHD 3, HUF 2)."""
    places = _pins.get(code)
    if places is not None:
        return places
    cleaned = normalize_currency(code)
    places = _pins.get(cleaned)
    return standard_exponent(cleaned) if places is None else places
