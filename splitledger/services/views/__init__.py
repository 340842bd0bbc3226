"""What the services return: plain immutable values, safe to hand to any face or thread.

One module per kind of answer (reading, bills, activity, checks, reports); the names load lazily
(PEP 562, ADR 0015), so that a read builds only the classes it returns: a frozen
dataclass costs ~0.6 ms to create (the hot reads' own are NamedTuples, ~0.1 ms: ADR
0020), and a command pays for each one it imports. No
module here imports pydantic: the request types named come from `services.inputs` for
type checkers only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitledger.lazy import lazy_attributes

if TYPE_CHECKING:
    from splitledger.services.views.activity import (
        ActivityItem,
        ActivityPage,
    )
    from splitledger.services.views.bills import (
        AuditEntry,
        BillVersion,
        EditOutcome,
        ExpenseDefinition,
        FieldChange,
        Receipt,
        TxDetail,
    )
    from splitledger.services.views.checks import (
        ImportReport,
        Problem,
        VerifyReport,
    )
    from splitledger.services.views.reading import (
        BalancesView,
        BalanceView,
        GroupView,
        HistoryPage,
        PeriodClose,
        PostingView,
        RateView,
        TxView,
    )
    from splitledger.services.views.reports import (
        REPORT_BYS,
        MemberFlow,
        MemberShare,
        ReportBucket,
        ReportBy,
        SpendingReport,
    )

#: Each public name -> the submodule (of this package) that defines it.
_LAZY: dict[str, str] = {
    "GroupView": "reading",
    "PostingView": "reading",
    "TxView": "reading",
    "HistoryPage": "reading",
    "BalanceView": "reading",
    "BalancesView": "reading",
    "RateView": "reading",
    "PeriodClose": "reading",
    "AuditEntry": "bills",
    "TxDetail": "bills",
    "ExpenseDefinition": "bills",
    "FieldChange": "bills",
    "Receipt": "bills",
    "EditOutcome": "bills",
    "BillVersion": "bills",
    "ActivityItem": "activity",
    "ActivityPage": "activity",
    "Problem": "checks",
    "VerifyReport": "checks",
    "ImportReport": "checks",
    "REPORT_BYS": "reports",
    "ReportBy": "reports",
    "MemberShare": "reports",
    "ReportBucket": "reports",
    "MemberFlow": "reports",
    "SpendingReport": "reports",
}

__all__ = [
    "REPORT_BYS",
    "ActivityItem",
    "ActivityPage",
    "AuditEntry",
    "BalanceView",
    "BalancesView",
    "BillVersion",
    "EditOutcome",
    "ExpenseDefinition",
    "FieldChange",
    "GroupView",
    "HistoryPage",
    "ImportReport",
    "MemberFlow",
    "MemberShare",
    "PeriodClose",
    "PostingView",
    "Problem",
    "RateView",
    "Receipt",
    "ReportBucket",
    "ReportBy",
    "SpendingReport",
    "TxDetail",
    "TxView",
    "VerifyReport",
]


if not TYPE_CHECKING:  # hidden from mypy, so that a misspelt name is still an error
    __getattr__, __dir__ = lazy_attributes(__name__, _LAZY, prefix=f"{__name__}.")
