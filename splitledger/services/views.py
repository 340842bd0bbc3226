"""What the services return: plain immutable values, safe to hand to any face or thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class GroupView:
    id: int
    name: str
    currency: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PostingView:
    member: str
    currency: str
    minor: int


@dataclass(frozen=True, slots=True)
class TxView:
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
    member: str
    currency: str
    minor: int


@dataclass(frozen=True, slots=True)
class BalancesView:
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
    at: dt.datetime
    actor: str
    action: str
    payload: str


@dataclass(frozen=True, slots=True)
class TxDetail:
    tx: TxView
    audit: tuple[AuditEntry, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str
    transaction_id: int | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class VerifyReport:
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
    group: str
    date: dt.date
    base: str
    quote: str
    rate: str
