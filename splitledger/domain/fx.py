"""Exchange rates and conversions as ledger entries.

A rate says 1 unit of `base` = `rate` units of `quote`, from `date` on. Rates are exact
Decimals; the rate used on a day is the latest one on or before it (the inverse pair is
used when only the other direction is known, exactly, as a Fraction).

A conversion moves a balance from one currency to another through an exchange account
per currency pair, so every currency still sums to zero and the ledger shows the rate:
each converted member gets (-b in FROM, +a in TO); the exchange account gets
(+sum b in FROM, -sum a in TO). Converted amounts are allocated by largest remainder so
that their total is the exact converted total rounded half-to-even (docs/adr/0007).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

from splitledger.domain.currency import exponent, normalize_currency
from splitledger.domain.errors import DomainError
from splitledger.domain.transactions import Posting, Transaction, TxKind

EXCHANGE_PREFIX = "exchange:"
_RATE_TEXT = re.compile(r"\d+(?:\.\d+)?|\.\d+", re.ASCII)


class RateError(DomainError):
    """A malformed rate, or no rate for a pair on a date."""


def exchange_account(base: str, quote: str) -> str:
    """The account that carries the other side of conversions between two currencies
    (one account per unordered pair, named in code order)."""
    first, second = sorted((base, quote))
    return f"{EXCHANGE_PREFIX}{first}-{second}"


def is_exchange_account(account: str) -> bool:
    return account.startswith(EXCHANGE_PREFIX)


def parse_rate(text: str, *, field: str = "rate") -> Decimal:
    """A positive exact decimal rate ("1.0835"); no signs, exponents, NaN or infinity."""
    cleaned = text.strip()
    if not _RATE_TEXT.fullmatch(cleaned):
        raise RateError(f"{field}: {text!r} is not a positive decimal number", field=field)
    value = Decimal(cleaned)
    if value <= 0:
        raise RateError(f"{field}: must be greater than zero", field=field)
    if len(cleaned.replace(".", "").lstrip("0")) > 30:
        raise RateError(f"{field}: {text!r} has too many digits", field=field)
    return value


@dataclass(frozen=True, slots=True, order=True)
class Rate:
    """From `date` on, 1 `base` = `rate` `quote`."""

    date: dt.date
    base: str
    quote: str
    rate: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", normalize_currency(self.base))
        object.__setattr__(self, "quote", normalize_currency(self.quote))
        if self.base == self.quote:
            raise RateError(f"a rate needs two different currencies, got {self.base} twice")
        if not isinstance(self.rate, Decimal) or not self.rate.is_finite() or self.rate <= 0:
            raise RateError(f"{self.base}/{self.quote}: the rate must be a positive number")


class RateTable:
    """Dated rates, looked up as of a day."""

    def __init__(self, rates: Iterable[Rate] = ()) -> None:
        self._by_pair: dict[tuple[str, str], list[Rate]] = {}
        for rate in sorted(rates):
            self._by_pair.setdefault((rate.base, rate.quote), []).append(rate)

    def _latest(self, base: str, quote: str, on: dt.date) -> Rate | None:
        rates = self._by_pair.get((base, quote), [])
        index = bisect.bisect_right([r.date for r in rates], on)
        return rates[index - 1] if index else None

    def quoted(self, base: str, quote: str, on: dt.date) -> str:
        """The rate used for `base` -> `quote` on `on`, as it was entered
        ("1 EUR = 130.5 BDT"), for descriptions and the audit trail."""
        base, quote = normalize_currency(base), normalize_currency(quote)
        self.lookup(base, quote, on)  # raises when missing
        direct, inverse = self._latest(base, quote, on), self._latest(quote, base, on)
        best = max((r for r in (direct, inverse) if r is not None), key=lambda r: r.date)
        return f"1 {best.base} = {format(best.rate.normalize(), 'f')} {best.quote}"

    def lookup(self, base: str, quote: str, on: dt.date) -> Fraction:
        """Exact units of `quote` per unit of `base` on `on`; raises `RateError` naming
        the pair and the date when neither direction has a rate on or before it."""
        base, quote = normalize_currency(base), normalize_currency(quote)
        if base == quote:
            return Fraction(1)
        direct, inverse = self._latest(base, quote, on), self._latest(quote, base, on)
        best = max(
            (r for r in (direct, inverse) if r is not None), key=lambda r: r.date, default=None
        )
        if best is None:
            raise RateError(
                f"no {base}/{quote} rate on or before {on.isoformat()}; add one first",
                field="rate",
            )
        value = Fraction(best.rate)
        return value if best is direct else 1 / value


def rate_text(rate: Fraction, digits: int = 10) -> str:
    """The rate as exact-as-shown decimal text (up to `digits` significant digits)."""
    with localcontext() as ctx:
        ctx.prec = digits
        value = Decimal(rate.numerator) / Decimal(rate.denominator)
    text = format(value.normalize(), "f")
    return text


def converted_quota(minor: int, source: str, target: str, rate: Fraction) -> Fraction:
    """The exact amount, in `target` minor units, of `minor` units of `source`."""
    return minor * rate * Fraction(10) ** (exponent(target) - exponent(source))


def round_half_even(value: Fraction) -> int:
    return round(value)  # Fraction.__round__ rounds halves to even


def build_conversion(
    balances: Mapping[str, int],
    *,
    source: str,
    target: str,
    rate: Fraction,
    date: dt.date,
    idempotency_key: str,
    description: str | None = None,
) -> Transaction:
    """Convert each account's `source` balance into `target` through the pair's exchange
    account. The converted amounts sum to the exact converted total rounded half-to-even
    and each is within one minor unit of its share (largest remainder)."""
    from splitledger.domain.allocation import allocate, seed_from_key  # writes only

    source, target = normalize_currency(source), normalize_currency(target)
    if source == target:
        raise RateError("nothing to convert: the currencies are the same", field="to")
    moving = {name: value for name, value in sorted(balances.items()) if value}
    if not moving:
        raise RateError(f"there is no {source} balance to convert", field="currency")
    quotas = [converted_quota(v, source, target, rate) for v in moving.values()]
    total = round_half_even(sum(quotas, Fraction(0)))
    shift = (total - sum(quotas, Fraction(0))) / len(quotas)
    amounts = allocate(total, [q + shift for q in quotas], seed=seed_from_key(idempotency_key))
    exchange = exchange_account(source, target)
    postings: list[Posting] = []
    for (name, value), amount in zip(moving.items(), amounts, strict=True):
        postings.append(Posting(name, source, -value))
        if amount:
            postings.append(Posting(name, target, amount))
    if sum(moving.values()):
        postings.append(Posting(exchange, source, sum(moving.values())))
    if total:
        postings.append(Posting(exchange, target, -total))
    return Transaction(
        kind=TxKind.CONVERSION,
        postings=tuple(postings),
        date=date,
        description=description or f"Convert {source} to {target} at {rate_text(rate)}",
        idempotency_key=idempotency_key,
        category="conversion",
    )


def build_fx_difference(
    residue: int,
    *,
    currency: str,
    exchange: str,
    members: tuple[str, ...],
    date: dt.date,
    idempotency_key: str,
) -> Transaction:
    """Clear what an exchange account holds in `currency` once its other currency is fully
    converted (the gain or loss from converting parts of a balance at different rates):
    the group shares it equally, by largest remainder (docs/adr/0007)."""
    from splitledger.domain.allocation import allocate, seed_from_key  # writes only

    if residue == 0:
        raise RateError("the exchange account is already at zero", field="currency")
    if not members:
        raise RateError("no members to share the exchange difference", field="members")
    magnitude = abs(residue)
    shares = allocate(
        magnitude,
        [Fraction(magnitude, len(members))] * len(members),
        seed=seed_from_key(idempotency_key),
    )
    sign = 1 if residue > 0 else -1
    postings = [Posting(exchange, currency, -residue)]
    postings += [Posting(m, currency, sign * s) for m, s in zip(members, shares, strict=True) if s]
    return Transaction(
        kind=TxKind.CONVERSION,
        postings=tuple(postings),
        date=date,
        description=f"Exchange difference on {exchange.removeprefix(EXCHANGE_PREFIX)}",
        idempotency_key=idempotency_key,
        category="conversion",
    )
