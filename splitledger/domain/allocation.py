"""Largest-remainder allocation of an integer total against exact fractional quotas.

Every split mode reduces to exact quotas (Fractions) that sum to the total; this module
turns them into integers that sum to the total exactly, each within one minor unit of
its quota. Which member gets an odd unit is decided by (1) the largest fractional
remainder, then (2) a rotation of the tie order by `seed`, so that across many expenses
the odd cent moves around the group instead of always landing on the same person
(see docs/adr/0003-rounding-and-odd-cents.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from fractions import Fraction
from math import floor

from splitledger.domain.errors import SplitError


def seed_from_key(key: str) -> int:
    """A stable, well-spread integer from an idempotency key (same key, same seed)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def allocate(total: int, quotas: Sequence[Fraction], *, seed: int = 0) -> list[int]:
    """Integers summing exactly to `total`, each `floor(q)` or `floor(q) + 1`.

    `quotas` must sum exactly to `total`. Units left after flooring go to the largest
    fractional parts; ties are broken in list order rotated by `seed % len(quotas)`.
    """
    count = len(quotas)
    if count == 0:
        raise SplitError("nobody to split between")
    denominators = {q.denominator for q in quotas}
    if len(denominators) == 1:
        # One denominator (an equal split, most shares): the same ranking in integers.
        # Fraction arithmetic was ~30 µs of a recorded expense (profiled).
        (den,) = denominators
        numerators = [q.numerator for q in quotas]
        if sum(numerators) != total * den:
            raise SplitError("quotas do not sum to the total")
        floors = [n // den for n in numerators]
        remainders: Sequence[Fraction | int] = [n % den for n in numerators]
    else:
        if sum(quotas, Fraction(0)) != total:
            raise SplitError("quotas do not sum to the total")
        floors = [floor(q) for q in quotas]
        remainders = [q - f for q, f in zip(quotas, floors, strict=True)]
    left = total - sum(floors)
    if left == 0:  # every quota whole (exact splits, even equal ones): nothing to rank
        return floors
    start = seed % count
    # Rank by descending remainder; among equal remainders, by rotated position.
    ranked = sorted(range(count), key=lambda i: (-remainders[i], (i - start) % count))
    for i in ranked[:left]:
        floors[i] += 1
    return floors
