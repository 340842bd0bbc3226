"""`EntryLedger`: the use cases that record one entry (an expense, a payment, a
reversal), without the rest of `Ledger`'s families.

`expense add` and `payment add` import only this family (ADR 0015); the methods are
`Ledger`'s own (the same class), so the write path is the one every face uses.
"""

from __future__ import annotations

from splitledger.services.entries import EntryCases


class EntryLedger(EntryCases):
    """One open ledger database and the entry-recording use cases over it."""
