"""What the services return: plain immutable values, safe to hand to any face or thread.

Reads build these, so this module imports no pydantic: the request types it names come
from `services.inputs` for type checkers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from splitledger.services.inputs import ExpenseFields, SplitMode


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group: its name, its currency and its members' names."""

    id: int
    name: str
    currency: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostingView:
    """One line of a transaction: `minor` units of `currency` to or from `member`."""

    member: str
    currency: str
    minor: int


@dataclass(frozen=True, slots=True)
class TxView:
    """A stored transaction with its postings; the links name the transactions it
    reverses or replaces, and the one that reversed it."""

    id: int
    group: str
    seq: int
    kind: str
    date: dt.date
    description: str
    category: str
    idempotency_key: str
    postings: tuple[PostingView, ...]
    reverses_id: int | None = None
    replaces_id: int | None = None
    reversed_by: int | None = None
    actor: str = ""


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A page of history, newest first; `more`: older transactions match beyond it (pass
    the last one's id as `before_id` for them)."""

    transactions: tuple[TxView, ...]
    more: bool


@dataclass(frozen=True, slots=True)
class BalanceView:
    """What `member` is owed (positive) or owes (negative), in minor units."""

    member: str
    currency: str
    minor: int


@dataclass(frozen=True, slots=True)
class BalancesView:
    """A group's balances, the total spent per currency and, when rates allow, an
    indicative total per member in the group currency."""

    group: str
    currency: str
    balances: tuple[BalanceView, ...]
    total_spent: dict[str, int] = field(default_factory=dict)
    #: Non-zero positions of the hidden exchange accounts (part-converted currencies).
    exchange: tuple[BalanceView, ...] = ()
    #: Per member, an estimate in the group currency at today's rates (None: a rate is
    #: missing). Indicative only: nothing is converted on the ledger.
    indicative: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what, when, with the request's payload."""

    at: dt.datetime
    actor: str
    action: str
    payload: str


@dataclass(frozen=True, slots=True)
class TxDetail:
    """A transaction and its audit trail."""

    tx: TxView
    audit: tuple[AuditEntry, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing `verify` found wrong, with the transaction or group it concerns."""

    code: str
    message: str
    transaction_id: int | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What `verify` checked and the problems it found (`ok` when none)."""

    problems: tuple[Problem, ...]
    transactions_checked: int
    postings_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    group: str
    created_group: bool
    added_members: tuple[str, ...]
    recorded: int
    skipped: int
    #: {(member, currency): change in minor units} made by the import
    changes: dict[tuple[str, str], int]
    mismatches: tuple[str, ...]
    committed: bool


@dataclass(frozen=True, slots=True)
class RateView:
    """An exchange rate of a group: 1 `base` is `rate` `quote` from `date` on."""

    group: str
    date: dt.date
    base: str
    quote: str
    rate: str


@dataclass(frozen=True, slots=True)
class ExpenseDefinition:
    """How an expense's bill was split: what the user asked for, normalised (amounts in
    major units without grouping, percentages and weights as plain decimals). A payer's
    amount of None pays the rest (a lone payer pays it all); a participant's value of
    None takes an equal share. `derived`: the expense predates stored definitions (or
    was imported), so this was read off its postings as exact shares."""

    tx_id: int
    group: str
    description: str
    amount: str
    currency: str
    paid_by: tuple[tuple[str, str | None], ...]
    split: SplitMode
    participants: tuple[tuple[str, str | None], ...]
    date: dt.date
    category: str
    derived: bool = False

    def as_fields(self) -> ExpenseFields:
        """The fields of `record_expense` / `preview_expense` that rebuild this bill
        (without group and key)."""
        return {
            "description": self.description,
            "amount": self.amount,
            "currency": self.currency,
            "paid_by": self.paid_by,
            "split": self.split,
            "participants": self.participants,
            "date": self.date,
            "category": self.category,
        }


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a bill as it was and as it became, as plain text ("15.00 USD",
    "ann 10.00, bob pays the rest", "ann 40.00, bob 40.00")."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """An edit: the new version (None when nothing changed, and nothing was recorded)
    and what changed."""

    tx: TxView | None
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class BillVersion:
    """One version of a bill. `kind`: recorded, imported, edited, undone (an edit
    undone), deleted (`definition` None, `tx_id` the reversal) or restored (a
    deletion undone). `changes`: from the previous version."""

    tx_id: int
    kind: str
    definition: ExpenseDefinition | None
    actor: str
    at: dt.datetime
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ActivityItem:
    """One change in a group, from its audit log. `id` orders the log (pass the last
    one as `before` for older items); `tx` is the transaction the change recorded."""

    id: int
    at: dt.datetime
    actor: str
    kind: str
    tx: int | None
    description: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """Activity newest first; `more`: older items exist, from `before` on."""

    items: tuple[ActivityItem, ...]
    more: bool
    before: int | None
