"""A bill read from another splitter's export, posted as a typed expense is.

Cospend, Tricount and Settle Up give each bill's payers (what each paid) and
participants (each one's share). The ledger keeps expenses gross (`build_expense`): each
payer +paid, each participant -share, a payer who also shares with both postings. The
spending report reads an expense's positive postings as paid and its negative ones as
consumed, so a bill posted as the members' net effects would look smaller than it was
(a 30.00 dinner paid by one of three sharing it reports as 20.00). Posting it gross
makes an imported bill count like a typed one; balances are the same either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from splitledger.domain import DomainError, Posting, Transaction, TxKind
from splitledger.interop.errors import FormatError
from splitledger.interop.peers import NO_DESCRIPTION


def bill(
    paid: Mapping[str, int],
    shares: Mapping[str, int],
    *,
    sign: int,
    currency: str,
    payment: bool,
    row: int,
    date: dt.date,
    description: str,
    category: str,
    key: str,
    note: str = "",
) -> Transaction | None:
    """The bill's transaction, or None when it changes no balance.

    `paid` and `shares` are unsigned minor units adding up to the same total; `sign` is
    -1 for money the group received (a refund, an income), whose postings are turned
    round as the generic CSV's refunds are. An expense is posted gross, payers first. A
    `payment` whose net effect is on two members alone stays a payment of that effect,
    as before and as `build_payment` records one (payments are not spending).
    """
    effect: dict[str, int] = {}
    for name, value in paid.items():
        effect[name] = effect.get(name, 0) + sign * value
    for name, value in shares.items():
        effect[name] = effect.get(name, 0) - sign * value
    moved = {name: v for name, v in effect.items() if v}
    if not moved:
        return None
    if payment and len(moved) == 2:  # a payment: its effect, as build_payment posts one
        kind, category = TxKind.PAYMENT, "payment"
        postings = [Posting(name, currency, v) for name, v in moved.items()]
        if not description:
            (payer, _), (payee, _) = sorted(moved.items(), key=lambda mv: -mv[1])
            description = f"{payer} paid {payee}"
    else:
        kind = TxKind.EXPENSE
        postings = [Posting(name, currency, sign * v) for name, v in paid.items() if v]
        postings += [Posting(name, currency, -sign * v) for name, v in shares.items() if v]
    try:
        return Transaction(
            kind=kind,
            postings=tuple(postings),
            date=date,
            description=description or NO_DESCRIPTION,
            idempotency_key=key,
            category=category,
            note=note,
        )
    except DomainError as exc:
        raise FormatError(str(exc), row=row) from None
