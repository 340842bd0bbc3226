from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from splitledger.domain import (
    Adjust,
    Equal,
    Exact,
    Item,
    Itemised,
    Percent,
    Shares,
    Split,
    SplitError,
    allocate,
    compute_shares,
    seed_from_key,
)

from .strategies import member_lists, small_totals, weights


def _close_to(shares: dict[str, int], exact: dict[str, Fraction]) -> None:
    for name, share in shares.items():
        assert abs(share - exact[name]) < 1, (name, share, exact[name])


@given(small_totals, member_lists(), st.integers(min_value=0))
def test_equal_split_sums_exactly_and_is_within_one_unit(
    total: int, names: list[str], seed: int
) -> None:
    shares = compute_shares(total, Equal(tuple(names)), seed=seed)
    assert sum(shares.values()) == total
    _close_to(shares, {n: Fraction(total, len(names)) for n in names})
    assert max(shares.values()) - min(shares.values()) <= 1


@given(small_totals, st.data())
def test_exact_split_keeps_amounts(total: int, data: st.DataObject) -> None:
    names = data.draw(member_lists())
    cuts = sorted(
        data.draw(st.lists(st.integers(0, total), min_size=len(names) - 1, max_size=len(names) - 1))
    )
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    split = Exact(dict(zip(names, amounts, strict=True)))
    assert compute_shares(total, split) == dict(zip(names, amounts, strict=True))


@given(small_totals, st.data(), st.integers(min_value=0))
def test_percent_split_sums_exactly(total: int, data: st.DataObject, seed: int) -> None:
    names = data.draw(member_lists())
    raw = data.draw(st.lists(st.integers(0, 10000), min_size=len(names), max_size=len(names)))
    assume(sum(raw) > 0)
    # Percentages with two decimals summing to exactly 100.
    scaled = [Decimal(r * 10000 // sum(raw)) / 100 for r in raw]
    scaled[0] += Decimal(100) - sum(scaled)
    assume(scaled[0] >= 0)
    shares = compute_shares(total, Percent(dict(zip(names, scaled, strict=True))), seed=seed)
    assert sum(shares.values()) == total
    _close_to(shares, {n: Fraction(p) * total / 100 for n, p in zip(names, scaled, strict=True)})


@given(small_totals, st.data(), st.integers(min_value=0))
def test_shares_split_sums_exactly(total: int, data: st.DataObject, seed: int) -> None:
    names = data.draw(member_lists())
    ws = data.draw(st.lists(weights, min_size=len(names), max_size=len(names)))
    assume(sum(ws) > 0)
    shares = compute_shares(total, Shares(dict(zip(names, ws, strict=True))), seed=seed)
    assert sum(shares.values()) == total
    wsum = Fraction(sum(ws))
    _close_to(shares, {n: Fraction(w) * total / wsum for n, w in zip(names, ws, strict=True)})


@given(small_totals, st.data(), st.integers(min_value=0))
def test_adjust_split_sums_exactly(total: int, data: st.DataObject, seed: int) -> None:
    names = data.draw(member_lists())
    adjs = data.draw(st.lists(st.integers(0, total), min_size=len(names), max_size=len(names)))
    assume(sum(adjs) <= total)
    shares = compute_shares(total, Adjust(dict(zip(names, adjs, strict=True))), seed=seed)
    assert sum(shares.values()) == total
    rest = Fraction(total - sum(adjs), len(names))
    _close_to(shares, {n: rest + a for n, a in zip(names, adjs, strict=True)})


@given(st.data(), st.integers(min_value=0))
def test_itemised_split_sums_exactly(data: st.DataObject, seed: int) -> None:
    people = data.draw(member_lists(min_size=2))
    items = data.draw(
        st.lists(
            st.tuples(
                st.integers(1, 10**6), st.lists(st.sampled_from(people), min_size=1, unique=True)
            ),
            min_size=1,
            max_size=8,
        )
    )
    tax, tip = data.draw(st.integers(0, 10**5)), data.draw(st.integers(0, 10**5))
    total = sum(a for a, _ in items) + tax + tip
    split = Itemised(tuple(Item(a, tuple(p)) for a, p in items), tax=tax, tip=tip)
    shares = compute_shares(total, split, seed=seed)
    assert sum(shares.values()) == total
    subtotal: dict[str, Fraction] = {}
    for amount, who in items:
        for name in who:
            subtotal[name] = subtotal.get(name, Fraction(0)) + Fraction(amount, len(who))
    items_total = sum(a for a, _ in items)
    exact = {n: s + (tax + tip) * s / items_total for n, s in subtotal.items()}
    _close_to(shares, exact)


def test_itemised_example_spreads_tax_and_tip_proportionally() -> None:
    split = Itemised((Item(2000, ("ann",)), Item(1000, ("bob", "cy"))), tax=300, tip=0)
    assert compute_shares(3300, split) == {"ann": 2200, "bob": 550, "cy": 550}


def test_odd_cent_follows_the_seed_rotation() -> None:
    names = ("ann", "bob", "cy")
    assert compute_shares(100, Equal(names), seed=0) == {"ann": 34, "bob": 33, "cy": 33}
    assert compute_shares(100, Equal(names), seed=1) == {"ann": 33, "bob": 34, "cy": 33}
    assert compute_shares(100, Equal(names), seed=2) == {"ann": 33, "bob": 33, "cy": 34}


def test_odd_cents_spread_fairly_across_many_expenses() -> None:
    names = ("ann", "bob", "cy")
    odd = Counter[str]()
    for i in range(3000):
        shares = compute_shares(100, Equal(names), seed=seed_from_key(f"expense-{i}"))
        odd.update(n for n, s in shares.items() if s == 34)
    assert sum(odd.values()) == 3000
    assert all(900 < odd[n] < 1100 for n in names), odd


def test_largest_remainder_goes_first() -> None:
    quotas = [Fraction(17, 10), Fraction(25, 10), Fraction(8, 10)]  # remainders .7 .5 .8
    assert allocate(5, quotas) == [2, 2, 1]


@pytest.mark.parametrize(
    ("split", "message"),
    [
        (Equal(()), "at least one member"),
        (Equal(("a", "a")), "listed twice"),
        (Exact({"a": 50, "b": 40}), "add up to 90"),
        (Exact({"a": 110, "b": -10}), "non-negative"),
        (Percent({"a": Decimal(50), "b": Decimal(40)}), "add up to 90, not 100"),
        (Percent({"a": Decimal(110), "b": Decimal(-10)}), "must not be negative"),
        (Percent({"a": Decimal("NaN"), "b": Decimal(100)}), "not a number"),
        (Shares({"a": Decimal(0), "b": Decimal(0)}), "at least one weight"),
        (Shares({"a": Decimal(-1), "b": Decimal(2)}), "must not be negative"),
        (Adjust({"a": 80, "b": 30}), "more than the total"),
        (Adjust({"a": -200, "b": 0}), "makes their share negative"),
        (Itemised((Item(50, ("a",)),), tax=10), "but the total is 100"),
        (Itemised(()), "at least one item"),
    ],
)
def test_bad_splits_are_refused_with_a_reason(split: Split, message: str) -> None:
    with pytest.raises(SplitError, match=message):
        compute_shares(100, split)


def test_total_must_be_positive() -> None:
    with pytest.raises(SplitError, match="positive"):
        compute_shares(0, Equal(("a",)))


def _allocate_in_fractions(total: int, quotas: list[Fraction], seed: int) -> list[int]:
    """The allocation as ADR 0003 states it, in Fractions throughout (the reference
    for `allocate`'s integer path)."""
    floors = [q.numerator // q.denominator for q in quotas]
    start = seed % len(quotas)
    ranked = sorted(
        range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), (i - start) % len(quotas))
    )
    for i in ranked[: total - sum(floors)]:
        floors[i] += 1
    return floors


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    parts=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=40),
    seed=st.integers(min_value=0, max_value=2**64),
    equal=st.booleans(),
)
def test_allocation_matches_the_fraction_reference(
    total: int, parts: list[int], seed: int, equal: bool
) -> None:
    # Equal parts give one denominator (the integer path); others mostly several.
    weights_ = [1] * len(parts) if equal else parts
    whole = sum(weights_)
    quotas = [Fraction(total * w, whole) for w in weights_]
    assert allocate(total, quotas, seed=seed) == _allocate_in_fractions(total, quotas, seed)
