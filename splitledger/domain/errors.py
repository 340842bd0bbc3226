"""Typed domain errors: each names the field or rule that was broken, in plain words."""

from __future__ import annotations


class DomainError(ValueError):
    """Base of every rule the domain refuses. Faces show `str(err)` as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class CurrencyError(DomainError):
    """An unknown or malformed ISO 4217 currency code."""


class AmountError(DomainError):
    """Text or a number that is not an acceptable amount of money."""


class SplitError(DomainError):
    """Payers or participants that do not add up to the expense."""


class UnbalancedError(DomainError):
    """Postings that do not sum to zero in every currency."""


class SettlementError(DomainError):
    """Balances that cannot be settled (they do not sum to zero)."""
