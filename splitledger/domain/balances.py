"""Balances are folded from postings: the history is the state."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from splitledger.domain.transactions import Posting


def fold_balances(postings: Iterable[Posting]) -> dict[str, dict[str, int]]:
    """Per currency, each account's sum of postings (accounts at zero are kept)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for posting in postings:
        out[posting.currency][posting.account] += posting.minor
    return {cur: dict(accounts) for cur, accounts in out.items()}
