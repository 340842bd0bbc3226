"""The use cases of the ledger, shared by the CLI and the app.

Each write runs in one database transaction (the unit of work) inside a bounded retry
loop; it locks the group row first, answers a repeated idempotency key from the record
of the first answer (idempotency.py), and appends to the audit log in the same
transaction. The use cases live in one module per family, each a class over
`LedgerCore`; `Ledger` is all of them, so a face calls `ledger.record_expense(...)`
(ADR 0013 says why this stays one façade):

| family | module | use cases |
|---|---|---|
| `GroupCases` | groups.py | creating, listing, renaming and archiving groups; members |
| `EntryCases` | entries.py | expenses, payments, reversals, one transaction |
| `BillCases` | bills.py | an expense's definition, a bill's versions |
| `BillEditCases` | bill_edits.py | editing an expense, undo |
| `ActivityCases` | activity.py | a group's activity |
| `ReadingCases` | reading.py | a group, balances, history, verify, watching for changes |
| `SettleCases` | settling.py | the settle-up plan, recording it |
| `ReportCases` | reports.py | spending reports, reconciled with the balances |
| `ImportCases` | imports.py | atomic imports, reading a group in batches |
| `CurrencyCases` | currencies.py | exchange rates, conversions |
| `SettleInCases` | settle_in.py | settling in one currency (convert, plan, record) |
| `PeriodCases` | periods.py | closing a period, the close in force |
| `RecurringCases` | recurring*.py | recurring bills: schedules, what is due, recording it |

The hot commands hold a narrower façade over the same classes, so that they import no
other family (ADR 0015): `ReadLedger` (read_ledger.py: reading and settling, for
`balances`, `history` and `settle`) and `EntryLedger` (entry_ledger.py: entries, for
`expense add` and `payment add`).

Beneath them: `LedgerCore` (core.py: lookups, views, appends with audit rows) over
`LedgerDatabase` (database.py: opening, the unit of work, currency pins).
"""

from __future__ import annotations

from splitledger.services.activity import ActivityCases
from splitledger.services.bill_edits import BillEditCases
from splitledger.services.bills import BillCases
from splitledger.services.core import LedgerCore
from splitledger.services.currencies import CurrencyCases
from splitledger.services.entries import EntryCases
from splitledger.services.groups import GroupCases
from splitledger.services.imports import ImportCases
from splitledger.services.inputs import validate
from splitledger.services.periods import PeriodCases
from splitledger.services.reading import ReadingCases
from splitledger.services.recurring import RecurringCases
from splitledger.services.reports import ReportCases
from splitledger.services.settle_in import SettleInCases
from splitledger.services.settling import SettleCases

__all__ = ["Ledger", "LedgerCore", "validate"]


class Ledger(
    # Every family once; one that builds on another comes before it.
    RecurringCases,
    GroupCases,
    BillEditCases,
    ActivityCases,
    BillCases,
    EntryCases,
    ReadingCases,
    SettleInCases,
    SettleCases,
    ImportCases,
    CurrencyCases,
    PeriodCases,
    ReportCases,
):
    """One open ledger database and every use case over it."""
