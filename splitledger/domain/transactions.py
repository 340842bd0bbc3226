"""Balanced transactions of postings: the only way money moves on the ledger.

A `Transaction` cannot be built unbalanced: its constructor refuses postings that do not
sum to zero in every currency. Sign convention everywhere: a posting > 0 means the group
owes that account more (it paid, or was repaid to); < 0 means it owes more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from splitledger.domain.currency import normalize_currency
from splitledger.domain.errors import SplitError, UnbalancedError
from splitledger.domain.money import MAX_MINOR, check_minor, format_amount

if TYPE_CHECKING:
    from splitledger.domain.splits import Split

MAX_TEXT = 500
#: A note is longer free text beside the description (issue 16).
MAX_NOTE = 2000


class TxKind(StrEnum):
    """What a transaction records."""

    EXPENSE = "expense"
    PAYMENT = "payment"
    REVERSAL = "reversal"
    CONVERSION = "conversion"


@dataclass(frozen=True, slots=True)
class Posting:
    """A signed amount of one currency on one account (a member, by name)."""

    account: str
    currency: str
    minor: int

    def __post_init__(self) -> None:
        if not isinstance(self.account, str) or not self.account.strip():
            raise UnbalancedError("a posting needs an account")
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise UnbalancedError(f"posting to {self.account}: amount must be an integer")
        if self.minor == 0:
            raise UnbalancedError(f"posting to {self.account}: amount must not be zero")
        if abs(self.minor) > MAX_MINOR:
            raise UnbalancedError(f"posting to {self.account}: amount is beyond the bound")
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    def negated(self) -> Posting:
        return Posting(self.account, self.currency, -self.minor)


def currency_sums(postings: Iterable[Posting]) -> dict[str, int]:
    """Sum of posting amounts per currency (all zero for a balanced set)."""
    sums: dict[str, int] = defaultdict(int)
    for posting in postings:
        sums[posting.currency] += posting.minor
    return dict(sums)


def _clean_text(value: str, what: str, *, required: bool, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise SplitError(f"{what} must not be empty", field=what)
    if len(text) > limit:
        raise SplitError(f"{what} is longer than {limit} characters", field=what)
    return text


@dataclass(frozen=True, slots=True)
class Transaction:
    """Two or more postings that sum to zero in every currency, with their context."""

    kind: TxKind
    postings: tuple[Posting, ...]
    date: dt.date
    description: str
    idempotency_key: str
    category: str = ""
    reverses: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", TxKind(self.kind))
        object.__setattr__(self, "postings", tuple(self.postings))
        if len(self.postings) < 2:
            raise UnbalancedError("a transaction needs at least two postings")
        unbalanced = {c: s for c, s in currency_sums(self.postings).items() if s != 0}
        if unbalanced:
            detail = ", ".join(f"{c} off by {s}" for c, s in sorted(unbalanced.items()))
            raise UnbalancedError(f"postings do not sum to zero: {detail}")
        if not isinstance(self.date, dt.date):
            raise SplitError("date must be a calendar date", field="date")
        if not self.idempotency_key or not self.idempotency_key.strip():
            raise SplitError("an idempotency key is required", field="key")
        object.__setattr__(
            self, "description", _clean_text(self.description, "description", required=True)
        )
        object.__setattr__(self, "category", _clean_text(self.category, "category", required=False))
        note = _clean_text(self.note, "note", required=False, limit=MAX_NOTE)
        object.__setattr__(self, "note", note)
        if (self.kind is TxKind.REVERSAL) != (self.reverses is not None):
            raise UnbalancedError("exactly the reversal kind names the transaction it reverses")

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(p.currency for p in self.postings)


def build_expense(
    *,
    total: int,
    currency: str,
    payers: Mapping[str, int],
    split: Split,
    date: dt.date,
    description: str,
    idempotency_key: str,
    category: str = "",
) -> Transaction:
    """One expense as a transaction: each payer +paid, each participant -share.

    Postings are kept gross (a payer who also consumed has two postings) so that the
    ledger shows who paid and who consumed; a member's balance is their sum.
    The odd-cent rotation is seeded from the idempotency key (docs/adr/0003).
    """
    # Imported here: reads use postings and transactions, only a new expense splits.
    from splitledger.domain.allocation import seed_from_key
    from splitledger.domain.splits import compute_shares

    code = normalize_currency(currency)
    check_minor(total, code, field="amount")
    if not payers:
        raise SplitError("at least one payer is needed", field="paid_by")
    for name, paid in payers.items():
        check_minor(paid, code, field=f"paid by {name}")
    if sum(payers.values()) != total:
        raise SplitError(
            f"the payers paid {format_amount(sum(payers.values()), code)} {code} in all, "
            f"but the bill is {format_amount(total, code)} {code}",
            field="paid_by",
        )
    shares = compute_shares(total, split, seed=seed_from_key(idempotency_key))
    postings = [Posting(name, code, paid) for name, paid in payers.items()]
    postings += [Posting(name, code, -share) for name, share in shares.items() if share]
    return Transaction(
        kind=TxKind.EXPENSE,
        postings=tuple(postings),
        date=date,
        description=description,
        idempotency_key=idempotency_key,
        category=category,
    )


def build_payment(
    *,
    payer: str,
    payee: str,
    amount: int,
    currency: str,
    date: dt.date,
    idempotency_key: str,
    description: str = "",
) -> Transaction:
    """`payer` hands `amount` to `payee`: the payer's balance rises, the payee's falls."""
    code = normalize_currency(currency)
    check_minor(amount, code, field="amount")
    if payer == payee:
        raise SplitError("a member cannot pay themselves", field="to")
    return Transaction(
        kind=TxKind.PAYMENT,
        postings=(Posting(payer, code, amount), Posting(payee, code, -amount)),
        date=date,
        description=description or f"{payer} paid {payee}",
        idempotency_key=idempotency_key,
        category="payment",
    )


def build_reversal(
    original: Transaction,
    *,
    original_id: int,
    date: dt.date,
    idempotency_key: str,
    description: str | None = None,
) -> Transaction:
    """The exact negation of `original`, linked to it by id."""
    if original.kind is TxKind.REVERSAL:
        raise UnbalancedError("a reversal cannot itself be reversed; record the entry again")
    return Transaction(
        kind=TxKind.REVERSAL,
        postings=tuple(p.negated() for p in original.postings),
        date=date,
        description=description or f"Reversal of: {original.description}",
        idempotency_key=idempotency_key,
        category=original.category,
        reverses=original_id,
    )
