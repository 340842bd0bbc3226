from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import (
    Adjust,
    Equal,
    Percent,
    Posting,
    Shares,
    Split,
    SplitError,
    Transaction,
    TxKind,
    UnbalancedError,
    build_expense,
    build_payment,
    build_reversal,
    currency_sums,
    fold_balances,
)

from .strategies import NAMES, currencies, member_lists

DAY = dt.date(2026, 11, 1)


def test_unbalanced_transaction_cannot_exist() -> None:
    with pytest.raises(UnbalancedError, match="USD off by 1"):
        Transaction(
            TxKind.EXPENSE, (Posting("a", "USD", 10), Posting("b", "USD", -9)), DAY, "x", "k"
        )


def test_balance_is_checked_per_currency() -> None:
    postings = (Posting("a", "USD", 10), Posting("b", "EUR", -10))
    with pytest.raises(UnbalancedError, match="EUR off by -10, USD off by 10"):
        Transaction(TxKind.EXPENSE, postings, DAY, "x", "k")


@pytest.mark.parametrize(
    "postings",
    [
        (),
        (Posting("a", "USD", 1),),
    ],
)
def test_at_least_two_postings(postings: tuple[Posting, ...]) -> None:
    with pytest.raises(UnbalancedError, match="at least two"):
        Transaction(TxKind.PAYMENT, postings, DAY, "x", "k")


def test_postings_refuse_zero_and_floats() -> None:
    with pytest.raises(UnbalancedError):
        Posting("a", "USD", 0)
    with pytest.raises(UnbalancedError):
        Posting("a", "USD", 1.0)  # type: ignore[arg-type]


def test_reversal_link_is_required_exactly_for_reversals() -> None:
    postings = (Posting("a", "USD", 1), Posting("b", "USD", -1))
    with pytest.raises(UnbalancedError):
        Transaction(TxKind.REVERSAL, postings, DAY, "x", "k")
    with pytest.raises(UnbalancedError):
        Transaction(TxKind.PAYMENT, postings, DAY, "x", "k", reverses=3)


def test_expense_postings_are_gross_and_signed() -> None:
    tx = build_expense(
        total=9000,
        currency="usd",
        payers={"ann": 9000},
        split=Equal(("ann", "bob", "cy")),
        date=DAY,
        description="  Dinner  at\tPablo's ",
        idempotency_key="k1",
        category="food",
    )
    assert tx.postings == (
        Posting("ann", "USD", 9000),
        Posting("ann", "USD", -3000),
        Posting("bob", "USD", -3000),
        Posting("cy", "USD", -3000),
    )
    assert tx.description == "Dinner at Pablo's"
    assert fold_balances(tx.postings) == {"USD": {"ann": 6000, "bob": -3000, "cy": -3000}}


def test_several_payers_must_add_up() -> None:
    with pytest.raises(SplitError, match=r"paid 90\.00 USD in all, but the bill is 100\.00 USD"):
        build_expense(
            total=10000,
            currency="USD",
            payers={"ann": 5000, "bob": 4000},
            split=Equal(("ann", "bob")),
            date=DAY,
            description="x",
            idempotency_key="k",
        )


def test_payment_moves_balances_towards_zero() -> None:
    tx = build_payment(
        payer="bob", payee="ann", amount=600, currency="BDT", date=DAY, idempotency_key="p"
    )
    assert fold_balances(tx.postings) == {"BDT": {"bob": 600, "ann": -600}}
    with pytest.raises(SplitError, match="themselves"):
        build_payment(
            payer="bob", payee="bob", amount=1, currency="BDT", date=DAY, idempotency_key="p"
        )


def test_reversal_negates_and_cannot_be_reversed() -> None:
    tx = build_payment(
        payer="bob", payee="ann", amount=600, currency="BDT", date=DAY, idempotency_key="p"
    )
    rev = build_reversal(tx, original_id=7, date=DAY, idempotency_key="r")
    assert rev.reverses == 7
    assert fold_balances(tx.postings + rev.postings) == {"BDT": {"bob": 0, "ann": 0}}
    with pytest.raises(UnbalancedError, match="cannot itself be reversed"):
        build_reversal(rev, original_id=8, date=DAY, idempotency_key="r2")


def test_empty_description_is_refused() -> None:
    with pytest.raises(SplitError, match="description"):
        build_expense(
            total=1,
            currency="USD",
            payers={"a": 1},
            split=Equal(("a", "b")),
            date=DAY,
            description="  ",
            idempotency_key="k",
        )


@st.composite
def expenses(draw: st.DrawFn) -> Transaction:
    currency = draw(currencies)
    total = draw(st.integers(1, 10**10))
    people = draw(member_lists(min_size=1, max_size=10))
    payer_names = draw(
        st.lists(st.sampled_from(NAMES), min_size=1, max_size=min(4, total), unique=True)
    )
    count = len(payer_names)
    parts = [draw(st.integers(1, total // count)) for _ in payer_names[1:]]
    payers = dict(zip(payer_names, [total - sum(parts), *parts], strict=True))
    mode = draw(st.sampled_from(["equal", "percent", "shares", "adjust"]))
    splits: dict[str, Split] = {
        "equal": Equal(tuple(people)),
        "percent": Percent(
            {p: Decimal(100) if i == 0 else Decimal(0) for i, p in enumerate(people)}
        ),
        "shares": Shares({p: Decimal(draw(st.integers(1, 9))) for p in people}),
        "adjust": Adjust(dict.fromkeys(people, 0)),
    }
    return build_expense(
        total=total,
        currency=currency,
        payers=payers,
        split=splits[mode],
        date=DAY,
        description="random",
        idempotency_key=draw(st.uuids()).hex,
    )


@given(expenses())
def test_every_built_expense_balances(tx: Transaction) -> None:
    assert all(v == 0 for v in currency_sums(tx.postings).values())
    assert all(p.minor != 0 for p in tx.postings)


@given(st.lists(expenses(), min_size=1, max_size=10))
def test_balances_of_any_history_sum_to_zero_per_currency(txs: list[Transaction]) -> None:
    postings = [p for tx in txs for p in tx.postings]
    for accounts in fold_balances(postings).values():
        assert sum(accounts.values()) == 0
