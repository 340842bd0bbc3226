"""`ReadLedger`: the use cases the hot read commands need (balances, history, the
settle-up plan and recording it), without the rest of `Ledger`'s families.

A command imports only the families it calls (ADR 0015): `balances`, `history` and
`settle` would otherwise pay for the recurring, report, import and currency modules
they never use (~10 % of a read's CPU here: docs/performance-notes.md). The methods are
`Ledger`'s own (the same classes), so there is no second copy of any query.
"""

from __future__ import annotations

from splitledger.services.reading import ReadingCases
from splitledger.services.settling import SettleCases


class ReadLedger(ReadingCases, SettleCases):
    """One open ledger database and the reading and settling use cases over it."""
