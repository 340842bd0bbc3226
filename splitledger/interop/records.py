"""Plain records that writers consume and readers produce: a group and its transactions
as the formats see them, with links between transactions by idempotency key (ids differ
from one database to the next)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a CSV of history need not load rates and splits
    from splitledger.domain.fx import Rate
    from splitledger.domain.transactions import Posting


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """A group as the formats see it: name, currency, members and exchange rates."""

    name: str
    currency: str
    members: tuple[str, ...]
    #: the group's exchange rates, written as price directives by the journal formats
    rates: tuple[Rate, ...] = ()


@dataclass(frozen=True, slots=True)
class TxRecord:
    """One ledger transaction. `reverses` and `replaces` are the idempotency keys of the
    transactions this one undoes or supersedes; `note` is free text beside the
    description ('' when none)."""

    id: int
    date: dt.date
    kind: str
    description: str
    category: str
    key: str
    postings: tuple[Posting, ...]
    reverses: str | None = None
    replaces: str | None = None
    actor: str = ""
    note: str = ""
