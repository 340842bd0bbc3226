"""Random group histories for the export-then-import properties: `operations` draws
expenses, payments, reversals and (if asked) member removals among given names and
currencies; `apply` records them through the services in a group "G", skipping what the
services refuse, as a user's refused command writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, cast

from hypothesis import strategies as st

from splitledger.services.ledger import Ledger

Op = (
    tuple[Literal["expense"], int, str, list[str], str]
    | tuple[Literal["payment"], int, str, str, str]
    | tuple[Literal["reverse"], int]
    | tuple[Literal["remove"], str]
)


def operations(
    members: Sequence[str],
    expense_currencies: Sequence[str],
    payment_currencies: Sequence[str],
    *,
    removals: bool = False,
) -> st.SearchStrategy[list[Op]]:
    """Up to 15 operations; an expense is shared by 1 to all `members`."""
    expense = st.tuples(
        st.just("expense"),
        st.integers(1, 10**7),
        st.sampled_from(members),
        st.lists(st.sampled_from(members), min_size=1, max_size=len(members), unique=True),
        st.sampled_from(expense_currencies),
    )
    payment = st.tuples(
        st.just("payment"),
        st.integers(1, 10**6),
        st.sampled_from(members),
        st.sampled_from(members),
        st.sampled_from(payment_currencies),
    )
    reverse = st.tuples(st.just("reverse"), st.integers(1, 30))
    kinds: list[st.SearchStrategy[tuple[object, ...]]] = [expense, payment, reverse]
    if removals:
        kinds.append(st.tuples(st.just("remove"), st.sampled_from(members)))
    return cast("st.SearchStrategy[list[Op]]", st.lists(st.one_of(*kinds), max_size=15))


def apply(ledger: Ledger, ops: list[Op], refused: tuple[type[Exception], ...]) -> None:
    """Record `ops` in group "G" over a week of dates; an operation raising one of
    `refused` (paying oneself, reversing a reversal, …) is skipped."""
    day = dt.date(2026, 1, 1)
    for i, op in enumerate(ops):
        date = day + dt.timedelta(days=i % 7)
        try:
            match op:
                case ("expense", minor, payer, shares, cur):
                    ledger.record_expense(
                        group="G", description=f"e{i}", amount=str(minor), currency=cur,
                        paid_by=[(payer, None)], participants=[(m, None) for m in shares],
                        date=date,
                    )  # fmt: skip
                case ("payment", minor, payer, payee, cur):
                    ledger.record_payment(
                        group="G", payer=payer, payee=payee, amount=str(minor), currency=cur,
                        date=date,
                    )  # fmt: skip
                case ("reverse", tx_id):
                    ledger.reverse(tx_id, date=date)
                case ("remove", name):
                    ledger.remove_member("G", name)
        except refused:
            pass  # refused: nothing written
