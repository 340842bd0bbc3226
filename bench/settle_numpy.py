"""The settle-up planner's former numpy subset DP, kept as the reference that the
pure-Python bitset DP (splitledger.domain.settle) is measured and tested against.

numpy is not a dependency of splitledger (docs/adr/0004-settle-up-planner.md, amendment);
the test extra installs it for this module only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from splitledger.domain.currency import normalize_currency
from splitledger.domain.errors import SettlementError
from splitledger.domain.settle import Entry, Transfer, _greedy, _pair_off, _walk_back

#: int64 sums: larger balances are out of this reference's range.
INT64_HEADROOM = 2**62


def zero_sum_blocks(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Partition `entries` (summing to zero) into the most zero-sum blocks: the DP
    best[m] = max_i best[m - i] + [sum(m) = 0], vectorised by popcount layers."""
    n = len(entries)
    if n == 0:
        return []
    size = 1 << n
    values = np.array([value for _, value in entries], dtype=np.int64)
    sums = np.zeros(size, dtype=np.int64)
    popcount = np.zeros(size, dtype=np.uint8)
    for i in range(n):
        low, high = 1 << i, 1 << (i + 1)
        sums[low:high] = sums[:low] + values[i]
        popcount[low:high] = popcount[:low] + 1
    is_zero = (sums == 0).astype(np.int8)
    del sums
    order = np.argsort(popcount, kind="stable")  # radix sort: masks grouped by popcount
    bounds = np.concatenate(([0], np.cumsum(np.bincount(popcount, minlength=n + 1))))
    del popcount
    best = np.zeros(size, dtype=np.int8)  # most zero-sum blocks within each mask
    for k in range(1, n + 1):
        layer = order[bounds[k] : bounds[k + 1]]
        top = np.zeros(layer.shape[0], dtype=np.int8)
        for i in range(n):
            # For masks without bit i, layer ^ bit is in a later layer: still zero.
            np.maximum(top, best[layer ^ (1 << i)], out=top)
        best[layer] = top + is_zero[layer]
    return _walk_back(entries, lambda m: int(best[m]), lambda m: int(is_zero[m]))


def plan_settlement(balances: Mapping[str, int], currency: str) -> list[Transfer]:
    """The exact plan as splitledger computed it with numpy (pairs first, then the DP);
    for at most 20 unpaired balances, each below 2**62 in magnitude."""
    code = normalize_currency(currency)
    entries = sorted((name, value) for name, value in balances.items() if value != 0)
    total = sum(value for _, value in entries)
    if total != 0:
        raise SettlementError(f"{code} balances sum to {total}, not zero")
    pairs, rest = _pair_off(entries)
    if sum(abs(value) for _, value in rest) >= INT64_HEADROOM:
        raise ValueError("balances too large for the int64 reference")
    blocks = pairs + zero_sum_blocks(rest)
    return [t for block in blocks for t in _greedy(block, code)]
