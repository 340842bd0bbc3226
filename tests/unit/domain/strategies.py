"""Hypothesis strategies for domain values."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from splitledger.domain import MAX_MINOR

CURRENCIES = ["USD", "EUR", "JPY", "BHD", "BDT", "KWD", "CLP", "GBP"]
NAMES = [f"m{i:02d}" for i in range(30)]

currencies = st.sampled_from(CURRENCIES)
minor_amounts = st.integers(min_value=1, max_value=MAX_MINOR)
small_totals = st.integers(min_value=1, max_value=10**9)


def member_lists(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(NAMES), min_size=min_size, max_size=max_size, unique=True)


weights = st.decimals(min_value=Decimal(0), max_value=Decimal(1000), places=2)
