"""The use cases of the ledger, shared by the CLI and the app.

Each write runs in one database transaction (the unit of work) inside a bounded retry
loop; it locks the group row first, answers a repeated idempotency key from the record
of the first answer, and appends to the audit log in the same transaction. The use cases
live in one module per family; `Ledger` composes them.
"""

from __future__ import annotations

from splitledger.services.activity import ActivityCases
from splitledger.services.core import LedgerCore, validate
from splitledger.services.currencies import CurrencyCases
from splitledger.services.groups import GroupCases
from splitledger.services.imports import ImportCases
from splitledger.services.settling import SettleCases

__all__ = ["Ledger", "LedgerCore", "validate"]


class Ledger(GroupCases, SettleCases, ActivityCases, ImportCases, CurrencyCases):
    """One open ledger database and every use case over it."""
