"""The Cospend reader: weighted shares exact to the minor unit, bills posted gross as
typed ones are (so reports count all of them), inactive members kept, trash left out,
stable keys, and errors naming the row and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import Shares, TxKind, build_expense, compute_shares, seed_from_key
from splitledger.interop import cospend, formats
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ReadOptions
from tests.interop.imported_ledger import Spending, check_ledger

SAMPLE = (Path(__file__).parent / "samples" / "cospend" / "weekend.csv").read_bytes()
BILLS_HEADER = (
    "what,amount,date,timestamp,payer_name,payer_weight,payer_active,owers,repeat,repeatfreq,"
    "repeatallactive,repeatuntil,categoryid,paymentmode,paymentmodeid,comment,deleted\n"
)


def test_sample_reads_weighted_shares_and_notes() -> None:
    found = cospend.read(SAMPLE, ReadOptions())
    assert (found.format, found.members, found.currency) == (
        "cospend",
        ("Alice", "Bob", "Chloé"),
        "EUR",
    )
    assert found.totals_from == "rows"
    train = next(t for t in found.transactions if t.description == "Train tickets")
    assert [(p.account, p.minor) for p in train.postings] == [
        ("Bob", 9999),
        ("Alice", -2222),
        ("Bob", -4444),
        ("Chloé", -3333),
    ]
    assert [t.kind for t in found.transactions].count(TxKind.PAYMENT) == 1
    assert found.notes[0].endswith("Chloé")
    assert "trash" in found.notes[1]
    keys = [t.idempotency_key for t in found.transactions]
    assert len(set(keys)) == len(keys)  # the two identical coffees stay two
    assert all(k.startswith("cospend:") for k in keys)


def test_detected_and_no_other_format_claims_it() -> None:
    assert formats.detect(SAMPLE.decode()) == "cospend"
    assert formats.detect(BILLS_HEADER) == "cospend"
    assert not cospend.detect("Date,Description,Category,Cost,Currency,Ann\n")


def test_a_currency_symbol_names_the_currency() -> None:
    data = SAMPLE.replace(b'"EUR",1', '"€",1'.encode())
    assert cospend.read(data, ReadOptions()).currency == "EUR"


def test_an_unknown_currency_name_is_refused_naming_it() -> None:
    data = SAMPLE.replace(b'"EUR",1', b'"Euros",1')
    with pytest.raises(FormatError, match=r"row 24, column 'currencyname'"):
        cospend.read(data, ReadOptions())


def test_an_unknown_table_is_refused() -> None:
    data = SAMPLE + b"\nfoo,bar\n1,2\n"
    with pytest.raises(FormatError, match=r"row 27: 'foo' does not start a table"):
        cospend.read(data, ReadOptions())


def test_a_bill_is_posted_as_typed_and_a_refund_the_other_way_round() -> None:
    """Gross, as `build_expense` posts a typed bill, since reports read an expense's
    positive postings as paid and its negative ones as consumed: posted net, the 99.99
    train tickets reported 55.55 paid, and Bob's 44.44 share as nothing consumed."""
    found = cospend.read(SAMPLE, ReadOptions())
    by_title = {t.description: t for t in found.transactions}
    train = by_title["Train tickets"]
    weights = {"Alice": Decimal(1), "Bob": Decimal(2), "Chloé": Decimal("1.5")}
    assert train == build_expense(
        total=9999,
        currency="EUR",
        payers={"Bob": 9999},
        split=Shares(weights),
        date=dt.date(2024, 2, 1),
        description="Train tickets",
        idempotency_key=train.idempotency_key,
        category="Travel",
    )
    dinner = by_title["Dinner"]
    assert [(p.account, p.minor) for p in dinner.postings] == [
        ("Alice", 4250),
        ("Alice", -1417),
        ("Bob", -2833),
    ]
    assert (dinner.category, dinner.note) == ("Food", "pizza & drinks")
    refund = by_title["Refund"]  # -10: Alice was paid back, for Alice and Bob
    assert (refund.kind, [(p.account, p.minor) for p in refund.postings]) == (
        TxKind.EXPENSE,
        [("Alice", -1000), ("Alice", 333), ("Bob", 667)],
    )
    payment = by_title["Bob pays Alice back"]
    assert (payment.kind, [(p.account, p.minor) for p in payment.postings]) == (
        TxKind.PAYMENT,
        [("Bob", 2000), ("Alice", -2000)],
    )


MEMBERS = ["Ann", "Bob", "Cy", "Dee"]


@st.composite
def projects(
    draw: st.DrawFn, min_cents: int = 1
) -> tuple[dict[str, Decimal], list[tuple[str, int, list[str]]]]:
    weights = {
        m: Decimal(draw(st.integers(1, 8))) / 2
        for m in MEMBERS[: draw(st.integers(2, len(MEMBERS)))]
    }
    names = list(weights)
    bills = draw(
        st.lists(
            st.tuples(
                st.sampled_from(names),
                st.integers(min_cents, 10**7),
                st.lists(st.sampled_from(names), min_size=1, unique=True),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return weights, bills


def _export(weights: dict[str, Decimal], bills: list[tuple[str, int, list[str]]]) -> bytes:
    lines = ["name,weight,active,color\n"]
    lines += [f'"{m}",{w},1,"#000000"\n' for m, w in weights.items()]
    lines += ["\n", BILLS_HEADER]
    for i, (payer, cents, owers) in enumerate(bills):
        amount = f"{cents // 100}.{cents % 100:02d}"
        lines.append(
            f'"Bill {i % 3}",{amount},2024-01-0{1 + i % 9},1,"{payer}",1,1,"{",".join(owers)}",'
            'n,1,0,,0,n,0,"",0\n'
        )
    lines += ["\ncurrencyname,exchange_rate\n", '"EUR",1\n']
    return "".join(lines).encode()


@settings(max_examples=60, deadline=None)
@given(projects())
def test_shares_are_within_a_cent_of_the_weighted_quota_and_totals_match(
    project: tuple[dict[str, Decimal], list[tuple[str, int, list[str]]]],
) -> None:
    weights, bills = project
    data = _export(weights, bills)
    found = cospend.read(data, ReadOptions())
    exact: dict[str, Fraction] = dict.fromkeys(weights, Fraction(0))
    for payer, cents, owers in bills:
        exact[payer] += cents
        total_weight = sum(Fraction(weights[o]) for o in owers)
        for o in owers:
            exact[o] -= cents * Fraction(weights[o]) / total_weight
    ledger: dict[str, int] = dict.fromkeys(weights, 0)
    for tx in found.transactions:
        assert sum(p.minor for p in tx.postings) == 0
        for p in tx.postings:
            ledger[p.account] += p.minor
    assert {(m, "EUR"): v for m, v in ledger.items() if v} == found.totals
    for member in weights:  # each bill's share rounds once, to the nearest cent or next
        assert abs(ledger[member] - exact[member]) < len(bills)
    assert [t.idempotency_key for t in cospend.read(data, ReadOptions()).transactions] == [
        t.idempotency_key for t in found.transactions
    ]


@settings(max_examples=30, deadline=None)
@given(projects(), st.integers(1, 10**6))
def test_a_longer_export_keeps_the_keys_of_the_rows_it_shares(
    project: tuple[dict[str, Decimal], list[tuple[str, int, list[str]]]], cents: int
) -> None:
    weights, bills = project
    first = cospend.read(_export(weights, bills), ReadOptions())
    names = list(weights)
    longer = cospend.read(_export(weights, [*bills, (names[0], cents, names)]), ReadOptions())
    keys = [t.idempotency_key for t in first.transactions]
    assert [t.idempotency_key for t in longer.transactions][: len(keys)] == keys


@settings(max_examples=25)
@given(project=projects(min_cents=100))
def test_a_ledger_reports_every_bill_in_full_and_balances_as_posted_net(
    project: tuple[dict[str, Decimal], list[tuple[str, int, list[str]]]],
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """From 1.00 up no weighted share rounds to 0, so exactly the bills a payer owes alone
    are left out; every other one is the typed expense of its payer and weighted owers,
    and the report's spent, paid and consumed are the bills' own figures. The balances
    are the file's cells summed (what the net postings gave)."""
    weights, bills = project
    data = _export(weights, bills)
    found = cospend.read(data, ReadOptions())
    kept = [b for b in bills if b[2] != [b[0]]]
    assert found.no_effect == len(bills) - len(kept)
    spending = Spending()
    for (payer, cents, owers), tx in zip(kept, found.transactions, strict=True):
        split = Shares({o: weights[o] for o in owers})
        shares = compute_shares(cents, split, seed=seed_from_key(tx.idempotency_key))
        assert tx == build_expense(
            total=cents,
            currency="EUR",
            payers={payer: cents},
            split=split,
            date=tx.date,
            description=tx.description,
            idempotency_key=tx.idempotency_key,
        )
        spending.add({payer: cents}, shares)
    check_ledger(sqlite_template, tmp_path_factory, "cospend", data, found, spending, len(kept))
