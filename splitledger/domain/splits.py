"""Split modes: how one expense's total is shared among participants.

Each mode yields exact quotas (Fractions summing to the total) which `allocate` rounds
to minor units. Members are plain names here; the store maps them to ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

from splitledger.domain.allocation import allocate
from splitledger.domain.errors import SplitError

HUNDRED = Decimal(100)


def _unique(names: Sequence[str], what: str) -> tuple[str, ...]:
    if not names:
        raise SplitError(f"{what}: at least one member is needed", field=what)
    seen: set[str] = set()
    for name in names:
        if not name or not name.strip():
            raise SplitError(f"{what}: member names must not be empty", field=what)
        if name in seen:
            raise SplitError(f"{what}: {name!r} is listed twice", field=what)
        seen.add(name)
    return tuple(names)


def _finite_decimal(value: Decimal, what: str, name: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise SplitError(f"{what}: {name}'s value {value!r} is not a number", field=what)
    return value


@dataclass(frozen=True, slots=True)
class Equal:
    """Everyone listed pays the same (to the minor unit)."""

    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exact:
    """Each participant's share is given in minor units; they must add up to the total."""

    amounts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Percent:
    """Each participant pays a percentage (Decimal); the percentages must sum to 100."""

    percents: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class Shares:
    """Each participant pays in proportion to a non-negative weight (1, 2, 1.5 …)."""

    weights: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class Adjust:
    """Each participant pays an equal part of what is left after the adjustments, plus
    their own signed adjustment in minor units (e.g. +400 for the one who had dessert)."""

    adjustments: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a receipt, shared equally by `participants`."""

    amount: int
    participants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Itemised:
    """A receipt: items each split among a subset; tax and tip spread in proportion to
    each person's item subtotal. The expense total must equal items + tax + tip."""

    items: tuple[Item, ...]
    tax: int = 0
    tip: int = 0


Split: TypeAlias = Equal | Exact | Percent | Shares | Adjust | Itemised


def _quotas(total: int, split: Split) -> tuple[tuple[str, ...], list[Fraction]]:
    """The participants and their exact fractional quotas of `total`."""
    if isinstance(split, Equal):
        names = _unique(split.participants, "participants")
        return names, [Fraction(total, len(names))] * len(names)
    if isinstance(split, Exact):
        names = _unique(list(split.amounts), "exact")
        values = [split.amounts[n] for n in names]
        for name, value in zip(names, values, strict=True):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SplitError(f"exact: {name}'s share must be a non-negative amount")
        if sum(values) != total:
            raise SplitError(
                f"exact: shares add up to {sum(values)} minor units but the total is {total}",
                field="exact",
            )
        return names, [Fraction(v) for v in values]
    if isinstance(split, Percent):
        names = _unique(list(split.percents), "percent")
        pcts = [_finite_decimal(split.percents[n], "percent", n) for n in names]
        for name, pct in zip(names, pcts, strict=True):
            if pct < 0:
                raise SplitError(f"percent: {name}'s percentage must not be negative")
        if sum(pcts, Decimal(0)) != HUNDRED:
            raise SplitError(
                f"percent: percentages add up to {sum(pcts, Decimal(0))}, not 100",
                field="percent",
            )
        return names, [Fraction(p) * total / 100 for p in pcts]
    if isinstance(split, Shares):
        names = _unique(list(split.weights), "shares")
        weights = [_finite_decimal(split.weights[n], "shares", n) for n in names]
        if any(w < 0 for w in weights):
            raise SplitError("shares: weights must not be negative", field="shares")
        weight_sum = sum(weights, Decimal(0))
        if weight_sum <= 0:
            raise SplitError("shares: at least one weight must be positive", field="shares")
        return names, [Fraction(w) * total / Fraction(weight_sum) for w in weights]
    if isinstance(split, Adjust):
        names = _unique(list(split.adjustments), "adjust")
        adjs = [split.adjustments[n] for n in names]
        if any(isinstance(a, bool) or not isinstance(a, int) for a in adjs):
            raise SplitError("adjust: adjustments must be amounts", field="adjust")
        rest = total - sum(adjs)
        if rest < 0:
            raise SplitError(
                "adjust: the adjustments add up to more than the total", field="adjust"
            )
        quotas = [Fraction(rest, len(names)) + a for a in adjs]
        for name, quota in zip(names, quotas, strict=True):
            if quota < 0:
                raise SplitError(
                    f"adjust: {name}'s adjustment makes their share negative", field="adjust"
                )
        return names, quotas
    return _itemised_quotas(total, split)


def _itemised_quotas(total: int, split: Itemised) -> tuple[tuple[str, ...], list[Fraction]]:
    if not split.items:
        raise SplitError("receipt: at least one item is needed", field="items")
    if split.tax < 0 or split.tip < 0:
        raise SplitError("receipt: tax and tip must not be negative", field="items")
    subtotals: dict[str, Fraction] = {}
    items_total = 0
    for index, item in enumerate(split.items, start=1):
        names = _unique(item.participants, f"item {index}")
        if item.amount <= 0:
            raise SplitError(f"receipt: item {index} must have a positive amount")
        items_total += item.amount
        for name in names:
            subtotals[name] = subtotals.get(name, Fraction(0)) + Fraction(item.amount, len(names))
    if items_total + split.tax + split.tip != total:
        raise SplitError(
            f"receipt: items + tax + tip = {items_total + split.tax + split.tip} minor units "
            f"but the total is {total}",
            field="items",
        )
    extra = split.tax + split.tip
    names = tuple(subtotals)
    return names, [sub + extra * sub / items_total for sub in subtotals.values()]


def compute_shares(total: int, split: Split, *, seed: int = 0) -> dict[str, int]:
    """Each participant's share in minor units: they sum to `total` exactly and each is
    within one minor unit of its exact fraction. Zero shares are kept (for previews)."""
    if isinstance(total, bool) or not isinstance(total, int) or total <= 0:
        raise SplitError("the total must be a positive amount", field="amount")
    names, quotas = _quotas(total, split)
    return dict(zip(names, allocate(total, quotas, seed=seed), strict=True))
