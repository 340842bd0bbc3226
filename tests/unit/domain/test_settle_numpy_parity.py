"""The pure-Python bitset DP plans exactly as the numpy subset DP it replaced
(bench/settle_numpy.py): both zero every balance, with the same, minimal, number of
transfers, and in fact the same transfers. ADR 0004's amendment relies on this."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import plan_settlement
from splitledger.domain.settle import EXACT_LIMIT, Transfer

pytest.importorskip("numpy")
from bench import settle_numpy  # after the skip: it imports numpy


def _zero_sum(values: list[int]) -> dict[str, int]:
    values = [*values, -sum(values)]
    return {f"m{i:02d}": v for i, v in enumerate(values)}


def _settles(balances: dict[str, int], plan: list[Transfer]) -> bool:
    after = dict(balances)
    for t in plan:
        assert t.minor > 0
        after[t.payer] += t.minor
        after[t.payee] -= t.minor
    return all(v == 0 for v in after.values())


# Small magnitudes make many zero-sum blocks (the hard, many-level case); large ones
# make few. Up to EXACT_LIMIT balances, all of them possibly non-zero and unpaired.
_values = st.one_of(st.integers(-6, 6), st.integers(-(10**6), 10**6))
balances_st = st.lists(_values, max_size=EXACT_LIMIT - 1).map(_zero_sum)


@settings(max_examples=60)
@given(balances_st)
def test_bitset_dp_plans_like_the_numpy_dp(balances: dict[str, int]) -> None:
    plan = plan_settlement(balances, "USD")
    reference = settle_numpy.plan_settlement(balances, "USD")
    assert _settles(balances, plan)
    assert _settles(balances, reference)
    assert len(plan) == len(reference)
    assert plan == reference


def test_twenty_unpaired_balances_with_many_blocks() -> None:
    # 20 non-zero balances, no (+x, -x) pair, partitioned into 6 zero-sum blocks at best.
    values = [3, 3, 3, 3, 5, 5, 6, 6, -1, -1, -2, -2, -2, -2, -4, -4, -4, -4, -4, -4]
    balances = {f"m{i:02d}": v for i, v in enumerate(values)}
    plan = plan_settlement(balances, "USD")
    assert _settles(balances, plan)
    assert len(plan) == 20 - 6
    assert plan == settle_numpy.plan_settlement(balances, "USD")
