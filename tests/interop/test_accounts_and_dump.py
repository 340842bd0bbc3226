"""Account names the journal tools accept, one per member; and the JSON dump's round
trip (any history written is read back identically, with balances that add up)."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import Posting
from splitledger.interop.accounts import AccountMap, beancount_component, hledger_component
from splitledger.interop.errors import FormatError
from splitledger.interop.json_dump import read_dump, write_dump
from splitledger.interop.records import GroupRecord, TxRecord

names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                max_size=20).filter(lambda s: s.strip())  # fmt: skip


@given(st.lists(names, min_size=1, max_size=8, unique=True))
def test_beancount_accounts_are_valid_and_distinct(members: list[str]) -> None:
    account = pytest.importorskip("beancount.core.account")
    mapping = AccountMap("Assets:Members:", beancount_component, members)
    accounts = [mapping[m] for m in members]
    assert len(set(accounts)) == len(accounts)
    for name in accounts:
        assert account.is_valid(name), name


@given(st.lists(names, min_size=1, max_size=8, unique=True))
def test_hledger_accounts_are_plain_and_distinct(members: list[str]) -> None:
    mapping = AccountMap("members:", hledger_component, members)
    accounts = [mapping[m] for m in members]
    assert len(set(accounts)) == len(accounts)
    for name in accounts:
        rest = name.removeprefix("members:")
        assert ":" not in rest
        assert ";" not in rest
        assert "  " not in rest
        assert rest == rest.strip()
        assert rest
        assert "\t" not in rest
        assert "\n" not in rest
    assert hledger_component("ann") == "ann"
    assert beancount_component("ann b") == "Ann-b"


MEMBERS = ("ann", "bob", "cy")


@st.composite
def histories(draw: st.DrawFn) -> list[TxRecord]:
    txs: list[TxRecord] = []
    for i in range(draw(st.integers(0, 12))):
        currency = draw(st.sampled_from(["EUR", "JPY", "BHD"]))
        payer, payee = draw(st.permutations(MEMBERS))[:2]
        minor = draw(st.integers(1, 10**12))
        kind = "expense"
        reverses = None
        if txs and draw(st.booleans()):
            original = draw(st.sampled_from(txs))
            if original.kind != "reversal" and all(t.reverses != original.key for t in txs):
                kind, reverses = "reversal", original.key
        postings = (
            tuple(Posting(p.account, p.currency, -p.minor) for p in original.postings)
            if reverses
            else (Posting(payer, currency, minor), Posting(payee, currency, -minor))
        )
        txs.append(
            TxRecord(
                id=i + 1,
                date=dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 400))),
                kind=kind,
                description=draw(names).strip() or "x",
                category=draw(st.sampled_from(["", "food", "=1+1"])),
                key=f"k{i}",
                postings=postings,
                reverses=reverses,
            )
        )
    return txs


@given(histories())
def test_dump_round_trip_keeps_history_and_balances(txs: list[TxRecord]) -> None:
    group = GroupRecord("Trip", "EUR", MEMBERS)
    out = io.StringIO()
    at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    assert write_dump(out, group, txs, generator="test", exported_at=at) == len(txs)
    dump = read_dump(out.getvalue())
    assert dump.group == group
    assert list(dump.transactions) == txs
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for t in txs:
        for p in t.postings:
            sums[p.account, p.currency] += p.minor
    assert dump.balances == {k: v for k, v in sums.items() if v}
    assert [t.reverses is not None for t in dump.domain] == [t.kind == "reversal" for t in txs]


def test_dump_with_a_dangling_link_is_refused() -> None:
    group = GroupRecord("Trip", "EUR", MEMBERS)
    out = io.StringIO()
    postings = (Posting("ann", "EUR", 5), Posting("bob", "EUR", -5))
    tx = TxRecord(1, dt.date(2026, 1, 1), "reversal", "undo", "", "k1", postings, reverses="gone")
    write_dump(out, group, [tx], generator="t", exported_at=dt.datetime(2026, 1, 1))
    with pytest.raises(FormatError, match="links to 'gone'"):
        read_dump(out.getvalue())
