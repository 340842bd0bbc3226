"""Settle-up: the fewest transfers that bring every balance to exactly zero.

With n non-zero balances, a plan needs at least n - k transfers, where k is the largest
number of blocks into which the members can be partitioned so that every block sums to
zero (each block of m members settles with m - 1 transfers, and no plan does better).
Finding k is NP-hard, so:

1. exact opposite pairs (+x, -x) are settled first: some optimal plan always does so,
   and it shrinks the hard part;
2. up to `EXACT_LIMIT` remaining balances, a dynamic programme over subsets finds k
   exactly (O(n * 2^n) bit operations, done k times on Python integers used as bitsets
   of 2^n bits, so that each operation handles every subset at once);
3. beyond that, the greedy plan (largest debtor pays largest creditor) needs at most
   n - 1 transfers and runs in O(n log n).

See docs/adr/0004-settle-up-planner.md for the measured times.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from splitledger.domain.currency import normalize_currency
from splitledger.domain.errors import SettlementError

#: Largest number of (unpaired) non-zero balances solved exactly.
EXACT_LIMIT = 20


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


def _lacking(bit: int, n: int) -> int:
    """The 2^n-bit set of the masks (of n members) without `bit`: bit m is set iff
    mask m lacks it. Built from a repeated byte pattern (bit m of the integer is bit
    m % 8 of byte m // 8, little-endian)."""
    size_bytes = max(1, (1 << n) >> 3)
    if bit < 3:
        return int.from_bytes(bytes([(0x55, 0x33, 0x0F)[bit]]) * size_bytes, "little")
    half = (1 << bit) >> 3
    pattern = (b"\xff" * half + b"\x00" * half) * (size_bytes // (2 * half))
    return int.from_bytes(pattern, "little")


def _zero_sum_masks(values: Sequence[int]) -> int:
    """The set of masks whose members sum to zero, as a 2^n-bit integer (the empty mask
    included). Meet in the middle: mask = high << low_bits | low sums to zero iff the
    low half sums to minus the high half, so each high half contributes, as one chunk of
    2^low_bits bits, the low halves with the opposite sum."""
    n = len(values)
    low_bits = n if n <= 6 else n // 2
    low_sums, high_sums = [0], [0]
    for value in values[:low_bits]:
        low_sums += [total + value for total in low_sums]
    for value in values[low_bits:]:
        high_sums += [total + value for total in high_sums]
    lows_by_sum: dict[int, int] = {}
    for low, total in enumerate(low_sums):
        lows_by_sum[total] = lows_by_sum.get(total, 0) | 1 << low
    if len(high_sums) == 1:
        return lows_by_sum[0]
    chunk = (1 << low_bits) >> 3
    return int.from_bytes(
        b"".join(lows_by_sum.get(-total, 0).to_bytes(chunk, "little") for total in high_sums),
        "little",
    )


def _zero_sum_blocks(entries: Sequence[Entry]) -> list[list[Entry]]:
    """Partition `entries` (summing to zero) into the most zero-sum blocks.

    best(m), the most zero-sum blocks within mask m, is the longest chain of non-empty
    zero-sum masks z1 < z2 < ... inside m. Level t is the set of masks with best >= t:
    the supersets of the zero-sum masks that strictly contain a mask of level t - 1. Each
    level takes 2n shift-and-or operations on 2^n-bit integers, and there are at most
    n / 2 levels (a block has at least two members)."""
    n = len(entries)
    if n == 0:
        return []
    size = 1 << n
    zero = _zero_sum_masks([value for _, value in entries])
    lacking = [_lacking(i, n) for i in range(n)]
    full = 1 << (size - 1)
    levels: list[int] = []
    reach = (1 << size) - 1  # level 0: every mask
    while True:
        step = 0  # the masks that strictly contain one of `reach`
        for i in range(n):
            step |= (reach & lacking[i]) << (1 << i)
        found = zero & step
        for i in range(n):  # close upwards: every superset
            found |= (found & lacking[i]) << (1 << i)
        if not found & full:
            break
        levels.append(found)
        reach = found
    del lacking
    size_bytes = max(1, size >> 3)
    zero_table = zero.to_bytes(size_bytes, "little")
    level_tables = [level.to_bytes(size_bytes, "little") for level in levels]

    def is_zero(mask: int) -> int:
        return zero_table[mask >> 3] >> (mask & 7) & 1

    def best(mask: int) -> int:
        count = 0
        for table in level_tables:  # nested: a mask leaves the levels once, for good
            if not table[mask >> 3] >> (mask & 7) & 1:
                break
            count += 1
        return count

    return _walk_back(entries, best, is_zero)


def _walk_back(
    entries: Sequence[Entry], best: Callable[[int], int], is_zero: Callable[[int], int]
) -> list[list[Entry]]:
    """Recover the blocks: follow a path of optimal submasks down to the empty set."""
    n = len(entries)
    mask = (1 << n) - 1
    blocks: list[list[Entry]] = []
    block_start = mask
    while mask:
        target = best(mask) - is_zero(mask)
        for i in range(n):
            bit = 1 << i
            if mask & bit and best(mask ^ bit) == target:
                mask ^= bit
                break
        if is_zero(mask):
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
    exact = len(rest) <= exact_limit
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
