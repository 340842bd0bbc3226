"""What reads return: groups, transactions with their postings, balances and rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class GroupView:
    """A group: its name, its currency and its members' names; whether it is archived
    (read-only, left out of the default lists), and the date its latest close runs
    through (nothing dated then can be written; None: never closed)."""

    id: int
    name: str
    currency: str
    members: tuple[str, ...]
    archived: bool = False
    closed_through: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PeriodClose:
    """A close of `group`: nothing dated on or before `through` can be recorded, edited
    or deleted since `closed_at` (UTC), when `actor` closed it (ADR 0018)."""

    group: str
    through: dt.date
    closed_at: dt.datetime
    actor: str


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
    #: Free text beside the description ('' when none).
    note: str = ""


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
class RateView:
    """An exchange rate of a group: 1 `base` is `rate` `quote` from `date` on."""

    group: str
    date: dt.date
    base: str
    quote: str
    rate: str
