"""What a spending report returns (`Ledger.spending_report`): buckets of spending, their
totals, and how each member's balance moved over the period, reconciled.

Money is integer minor units of the row's `currency`, never summed across currencies:
a bucket in two currencies is two buckets. Every report holds two identities, which
the tests prove on random ledgers:

- per currency, the buckets sum to the total (`spent`, and each member's `paid` and
  `consumed`);
- per member and currency, `opening + paid - consumed + transfers + reversals_apart ==
  closing`, where `closing` is the balance as of the period's last day
  (`Ledger.balances(as_of=...)`) and `opening` the balance the day before its first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

#: The bucketings a report offers; a member bucketing keeps each member's figures apart.
ReportBy = Literal["category", "month", "member", "category,month", "member,month"]
REPORT_BYS: tuple[ReportBy, ...] = ("category", "month", "member", "category,month", "member,month")


@dataclass(frozen=True, slots=True)
class MemberShare:
    """What `member` paid towards a bucket's bills, and what they consumed of them
    (their shares), as positive minor units."""

    member: str
    paid: int
    consumed: int

    @property
    def net(self) -> int:
        """paid - consumed: what the bucket's bills moved their balance by."""
        return self.paid - self.consumed


@dataclass(frozen=True, slots=True)
class ReportBucket:
    """One bucket of a report in one currency. `key` holds one value per name of the
    report's `by`: a category ('' for none), a month as YYYY-MM, a member's name; a
    total's key is empty. `spent` is the bills' totals (what their payers paid);
    `members` those who paid or consumed anything in it, by name."""

    key: tuple[str, ...]
    currency: str
    spent: int
    members: tuple[MemberShare, ...]

    @property
    def consumed(self) -> int:
        """What the members consumed: `spent` (a bill's shares sum to its total),
        except in a member's bucket, which holds that member's part alone."""
        return sum(m.consumed for m in self.members)


@dataclass(frozen=True, slots=True)
class MemberFlow:
    """How `member`'s balance in `currency` moved over the report's period:
    `opening + paid - consumed + transfers + reversals_apart == closing`.

    `transfers`: their payments and conversions dated in the period (and the reversals
    of those). `reversals_apart`: the reversals of bills dated on the other side of the
    period's edge from their bill. A report takes a deleted or edited bill out on the
    bill's own day, a balance on the day the reversal is dated; so a bill of the
    period deleted after it still counts in `closing` (and is added back here), and one
    from before deleted within it is taken out. 0 when the period is every day."""

    member: str
    currency: str
    opening: int
    paid: int
    consumed: int
    transfers: int
    reversals_apart: int
    closing: int


@dataclass(frozen=True, slots=True)
class SpendingReport:
    """A group's spending from `date_from` through `date_to` (inclusive; None: open),
    in `currency` alone if given, bucketed by `by`. Expenses only (payments and
    conversions are not spending); bills deleted, and the versions an edit replaced, are
    not in it at all. `buckets` are sorted by key, then currency; `totals` hold one row
    per currency (key `()`); `members` reconcile the report with the balances."""

    group: str
    by: tuple[str, ...]
    date_from: dt.date | None
    date_to: dt.date | None
    currency: str | None
    buckets: tuple[ReportBucket, ...]
    totals: tuple[ReportBucket, ...]
    members: tuple[MemberFlow, ...]
