"""What reads return: groups, transactions with their postings, balances and rates.

Plain immutable values, as `NamedTuple`s: a frozen dataclass costs ~0.6 ms to define on
this machine (six generated methods, each compiled at import), a NamedTuple ~0.1 ms,
and every command and the app's first frame define these (ADR 0020)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

#: The default of a mapping field: read-only, so one value can serve every instance.
_NOTHING: Mapping[str, int] = MappingProxyType({})


class GroupView(NamedTuple):
    """A group: its name, its currency and its members' names; whether it is archived
    (read-only, left out of the default lists), and the date its latest close runs
    through (nothing dated then can be written; None: never closed)."""

    id: int
    name: str
    currency: str
    members: tuple[str, ...]
    archived: bool = False
    closed_through: dt.date | None = None


class PeriodClose(NamedTuple):
    """A close of `group`: nothing dated on or before `through` can be recorded, edited
    or deleted since `closed_at` (UTC), when `actor` closed it (ADR 0018)."""

    group: str
    through: dt.date
    closed_at: dt.datetime
    actor: str


class PostingView(NamedTuple):
    """One line of a transaction: `minor` units of `currency` to or from `member`."""

    member: str
    currency: str
    minor: int


class TxView(NamedTuple):
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


class HistoryPage(NamedTuple):
    """A page of history, newest first; `more`: older transactions match beyond it (pass
    the last one's id as `before_id` for them)."""

    transactions: tuple[TxView, ...]
    more: bool


class BalanceView(NamedTuple):
    """What `member` is owed (positive) or owes (negative), in minor units."""

    member: str
    currency: str
    minor: int


class BalancesView(NamedTuple):
    """A group's balances, the total spent per currency and, when rates allow, an
    indicative total per member in the group currency."""

    group: str
    currency: str
    balances: tuple[BalanceView, ...]
    total_spent: Mapping[str, int] = _NOTHING
    #: Non-zero positions of the hidden exchange accounts (part-converted currencies).
    exchange: tuple[BalanceView, ...] = ()
    #: Per member, an estimate in the group currency at today's rates (None: a rate is
    #: missing). Indicative only: nothing is converted on the ledger.
    indicative: Mapping[str, int | None] = _NOTHING


class RateView(NamedTuple):
    """An exchange rate of a group: 1 `base` is `rate` `quote` from `date` on."""

    group: str
    date: dt.date
    base: str
    quote: str
    rate: str
