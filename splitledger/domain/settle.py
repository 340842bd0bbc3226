"""Settle-up: the fewest transfers that bring every balance to exactly zero.

With n non-zero balances, a plan needs at least n - k transfers, where k is the largest
number of blocks into which the members can be partitioned so that every block sums to
zero (each block of m members settles with m - 1 transfers, and no plan does better).
Finding k is NP-hard, so:

1. exact opposite pairs (+x, -x) are settled first: some optimal plan always does so,
   and it shrinks the hard part;
2. up to `EXACT_LIMIT` remaining balances, a dynamic programme over subsets finds k
   exactly (O(n * 2^n), vectorised with numpy by popcount layers);
3. beyond that, the greedy plan (largest debtor pays largest creditor) needs at most
   n - 1 transfers and runs in O(n log n).

See docs/adr/0004-settle-up-planner.md for the measured times.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from splitledger.domain.currency import normalize_currency
from splitledger.domain.errors import SettlementError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

#: Largest number of (unpaired) non-zero balances solved exactly.
EXACT_LIMIT = 20
_INT64_HEADROOM = 2**62


@dataclass(frozen=True, slots=True)
class Transfer:
    """`payer` sends `minor` units of `currency` to `payee` (always > 0)."""

    payer: str
    payee: str
    currency: str
    minor: int


Entry = tuple[str, int]


def _pair_off(entries: Sequence[Entry]) -> tuple[list[list[Entry]], list[Entry]]:
    """Split off exact (+x, -x) pairs, matched deterministically by name order."""
    by_size: dict[int, tuple[list[Entry], list[Entry]]] = defaultdict(lambda: ([], []))
    for entry in entries:
        by_size[abs(entry[1])][0 if entry[1] > 0 else 1].append(entry)
    pairs: list[list[Entry]] = []
    rest: list[Entry] = []
    for size in sorted(by_size):
        credit, debit = by_size[size]
        matched = min(len(credit), len(debit))
        pairs.extend([c, d] for c, d in zip(credit[:matched], debit[:matched], strict=True))
        rest.extend(credit[matched:])
        rest.extend(debit[matched:])
    rest.sort()
    return pairs, rest


def _zero_sum_blocks(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Partition `entries` (summing to zero) into the most zero-sum blocks."""
    n = len(entries)
    if n == 0:
        return []
    import numpy as np

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
    return _walk_back(entries, best, is_zero)


def _walk_back(
    entries: Sequence[Entry], best: NDArray[np.int8], is_zero: NDArray[np.int8]
) -> list[list[Entry]]:
    """Recover the blocks: follow a path of optimal submasks down to the empty set."""
    n = len(entries)
    mask = (1 << n) - 1
    blocks: list[list[Entry]] = []
    block_start = mask
    while mask:
        target = int(best[mask]) - int(is_zero[mask])
        for i in range(n):
            bit = 1 << i
            if mask & bit and int(best[mask ^ bit]) == target:
                mask ^= bit
                break
        if is_zero[mask]:
            diff = block_start ^ mask
            blocks.append([entries[i] for i in range(n) if diff >> i & 1])
            block_start = mask
    return blocks


def _greedy(entries: Sequence[Entry], currency: str) -> list[Transfer]:
    """Largest debtor pays largest creditor until all are zero: at most n - 1 transfers."""
    creditors = [(-value, name) for name, value in entries if value > 0]
    debtors = [(value, name) for name, value in entries if value < 0]
    heapq.heapify(creditors)
    heapq.heapify(debtors)
    transfers: list[Transfer] = []
    while creditors and debtors:
        credit, payee = heapq.heappop(creditors)
        debt, payer = heapq.heappop(debtors)
        amount = min(-credit, -debt)
        transfers.append(Transfer(payer, payee, currency, amount))
        if -credit > amount:
            heapq.heappush(creditors, (credit + amount, payee))
        if -debt > amount:
            heapq.heappush(debtors, (debt + amount, payer))
    return transfers


def plan_settlement(
    balances: Mapping[str, int], currency: str, *, exact_limit: int = EXACT_LIMIT
) -> list[Transfer]:
    """Transfers (each > 0) that zero every balance of one currency, as few as possible
    (provably minimal when at most `exact_limit` balances remain after pairing)."""
    code = normalize_currency(currency)
    entries = sorted((name, value) for name, value in balances.items() if value != 0)
    total = sum(value for _, value in entries)
    if total != 0:
        raise SettlementError(f"{code} balances sum to {total}, not zero: nothing can settle them")
    pairs, rest = _pair_off(entries)
    magnitude = sum(abs(value) for _, value in rest)
    exact = len(rest) <= exact_limit and magnitude < _INT64_HEADROOM
    blocks = pairs + (_zero_sum_blocks(rest) if exact else [rest])
    transfers = [t for block in blocks for t in _greedy(block, code)]
    if not exact:
        # Pairing first is optimal only when the rest is solved exactly; a greedy rest
        # can lose to plain greedy, so keep whichever plan is shorter.
        plain = _greedy(entries, code)
        if len(plain) < len(transfers):
            return plain
    return transfers


def plan_all(
    balances: Mapping[str, Mapping[str, int]], *, exact_limit: int = EXACT_LIMIT
) -> list[Transfer]:
    """The settle-up plan for every currency, currencies in code order."""
    plan: list[Transfer] = []
    for currency in sorted(balances):
        plan.extend(plan_settlement(balances[currency], currency, exact_limit=exact_limit))
    return plan


def greedy_plan(balances: Mapping[str, int], currency: str) -> list[Transfer]:
    """The plain greedy plan (baseline for benchmarks and tests)."""
    code = normalize_currency(currency)
    return _greedy(sorted((n, v) for n, v in balances.items() if v != 0), code)
