from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import (
    Posting,
    Rate,
    RateError,
    RateTable,
    build_conversion,
    build_fx_difference,
    currency_sums,
    exchange_account,
    fold_balances,
    is_exchange_account,
    parse_rate,
    plan_settlement,
)
from splitledger.domain.fx import converted_quota, rate_text

DAY = dt.date(2026, 3, 1)


def test_rate_lookup_uses_the_latest_on_or_before_and_the_inverse() -> None:
    table = RateTable(
        [
            Rate(DAY, "EUR", "USD", Decimal("1.10")),
            Rate(DAY + dt.timedelta(days=10), "EUR", "USD", Decimal("1.20")),
            Rate(DAY + dt.timedelta(days=5), "USD", "EUR", Decimal("0.5")),
        ]
    )
    assert table.lookup("EUR", "USD", DAY) == Fraction("1.10")
    assert table.lookup("EUR", "USD", DAY + dt.timedelta(days=7)) == 2  # newer inverse
    assert table.lookup("USD", "EUR", DAY + dt.timedelta(days=30)) == 1 / Fraction("1.20")
    assert table.lookup("JPY", "JPY", DAY) == 1
    with pytest.raises(RateError, match="no EUR/USD rate on or before 2026-02-28"):
        table.lookup("EUR", "USD", DAY - dt.timedelta(days=1))
    with pytest.raises(RateError, match="no BDT/EUR rate"):
        table.lookup("BDT", "EUR", DAY)


@pytest.mark.parametrize("text", ["0", "-1.2", "1e3", "NaN", "inf", "", "1,2", "abc"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(RateError):
        parse_rate(text)


def test_same_currency_rate_is_refused() -> None:
    with pytest.raises(RateError, match="two different currencies"):
        Rate(DAY, "EUR", "eur", Decimal(1))


def test_conversion_example_across_exponents() -> None:
    # 1 USD = 0.376 BHD: 10.00 USD -> 3.760 BHD (exponent 2 -> 3).
    tx = build_conversion(
        {"ann": 1000},
        source="USD",
        target="BHD",
        rate=Fraction("0.376"),
        date=DAY,
        idempotency_key="c1",
    )
    assert fold_balances(tx.postings) == {
        "USD": {"ann": -1000, exchange_account("USD", "BHD"): 1000},
        "BHD": {"ann": 3760, exchange_account("USD", "BHD"): -3760},
    }
    assert tx.description == "Convert USD to BHD at 0.376"
    assert rate_text(Fraction(1, 3)) == "0.3333333333"


balances_st = st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=8)
rates_st = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(1000), places=4).filter(
    lambda d: d > 0
)
pairs_st = st.sampled_from([("EUR", "USD"), ("JPY", "EUR"), ("USD", "BHD"), ("BDT", "JPY")])


@given(balances_st, rates_st, pairs_st)
def test_conversion_balances_and_rounds_within_one_unit(
    values: list[int], rate: Decimal, pair: tuple[str, str]
) -> None:
    source, target = pair
    balances = {f"m{i}": v for i, v in enumerate(values)}
    if not any(values):
        with pytest.raises(RateError):
            build_conversion(
                balances,
                source=source,
                target=target,
                rate=Fraction(rate),
                date=DAY,
                idempotency_key="k",
            )
        return
    tx = build_conversion(
        balances, source=source, target=target, rate=Fraction(rate), date=DAY, idempotency_key="k"
    )
    assert set(currency_sums(tx.postings).values()) == {0}
    after = fold_balances(tx.postings)
    members = {n: v for n, v in balances.items() if v}
    for name, value in members.items():
        assert after[source][name] == -value  # the source balance is fully moved
    quotas = {n: converted_quota(v, source, target, Fraction(rate)) for n, v in members.items()}
    total = round(sum(quotas.values(), Fraction(0)))
    got = {n: after.get(target, {}).get(n, 0) for n in members}
    assert sum(got.values()) == total
    shift = (total - sum(quotas.values(), Fraction(0))) / len(quotas)
    for name in members:
        assert abs(got[name] - (quotas[name] + shift)) < 1


@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(-(10**6), 10**6)), min_size=2, max_size=12),
    st.lists(rates_st, min_size=1, max_size=4),
    st.data(),
)
def test_partial_conversions_then_the_rest_then_fx_difference_settle_to_zero(
    moves: list[tuple[int, int]], rates: list[Decimal], data: st.DataObject
) -> None:
    """Random multi-currency history; convert some members at one rate, the rest at
    another, clear the exchange difference: every currency sums to zero at each step, the
    foreign currency ends at zero for everyone, and settle-up zeroes the group currency."""
    people = ("ann", "bob", "cy", "dee")
    foreign = dict.fromkeys(people, 0)
    for who, amount in moves:
        foreign[people[who]] += amount
    foreign["dee"] -= sum(foreign.values())  # a zero-sum EUR history
    postings = [Posting(p, "EUR", v) for p, v in foreign.items() if v]  # the history
    ledger: dict[str, dict[str, int]] = {"EUR": dict(foreign), "USD": dict.fromkeys(people, 0)}
    first = data.draw(st.lists(st.sampled_from(people), unique=True, max_size=3))
    steps = [
        {p: ledger["EUR"][p] for p in first},
        {p: v for p, v in ledger["EUR"].items() if p not in first},
    ]
    for i, chunk in enumerate(steps):
        if not any(chunk.values()):
            continue
        tx = build_conversion(
            chunk,
            source="EUR",
            target="USD",
            rate=Fraction(rates[i % len(rates)]),
            date=DAY,
            idempotency_key=f"conv-{i}",
        )
        postings.extend(tx.postings)
        assert set(currency_sums(postings).values()) <= {0}
    folded = fold_balances(postings)
    exchange = exchange_account("EUR", "USD")
    residue = folded.get("USD", {}).get(exchange, 0)
    assert folded.get("EUR", {}).get(exchange, 0) == 0
    if residue:
        diff = build_fx_difference(
            residue,
            currency="USD",
            exchange=exchange,
            members=people,
            date=DAY,
            idempotency_key="fx",
        )
        postings.extend(diff.postings)
    final = fold_balances(postings)
    assert all(v == 0 for v in final.get("EUR", {}).values())
    usd = {a: v for a, v in final.get("USD", {}).items() if not is_exchange_account(a)}
    assert all(v == 0 for a, v in final.get("USD", {}).items() if is_exchange_account(a))
    assert sum(usd.values()) == 0
    plan = plan_settlement(usd, "USD")
    for t in plan:
        usd[t.payer] += t.minor
        usd[t.payee] -= t.minor
    assert set(usd.values()) <= {0}
