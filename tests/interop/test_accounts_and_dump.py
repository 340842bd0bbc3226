"""Account names the journal tools accept, one per member; and the JSON dump's round
trip (any history written is read back identically, with balances that add up), its
exponents (amounts restored at the target ledger's scale, ADR 0002) and the input
policy on restored text (ADR 0010)."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import Posting
from splitledger.domain.currency import pin, pinned, unpin
from splitledger.interop.accounts import AccountMap, beancount_component, hledger_component
from splitledger.interop.errors import FormatError
from splitledger.interop.json_dump import read_dump, write_dump
from splitledger.interop.records import GroupRecord, TxRecord

names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1,
                max_size=20).filter(lambda s: s.strip())  # fmt: skip
#: Text the input policy keeps as it is: visible characters, NFC, trimmed.
clean_texts = st.text(
    st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=20,
).filter(lambda s: s == s.strip() and s and unicodedata.normalize("NFC", s) == s)


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
        if bool(txs) and draw(st.booleans()):
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
                description=draw(clean_texts),
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


@pytest.fixture
def no_pins() -> Iterator[None]:
    """No ledger's exponents registered, before and after (tests pin what they need)."""
    assert pinned() == {}
    yield
    for code in list(pinned()):
        while code in pinned():
            unpin(code)


def _huf_history() -> tuple[GroupRecord, list[TxRecord]]:
    group = GroupRecord("Budapest", "HUF", MEMBERS)
    postings = (Posting("ann", "HUF", 150000), Posting("bob", "HUF", -150000))
    tx = TxRecord(1, dt.date(2026, 5, 1), "expense", "Dinner", "food", "k1", postings)
    return group, [tx]


def _written(group: GroupRecord, txs: list[TxRecord]) -> dict[str, Any]:
    out = io.StringIO()
    write_dump(out, group, txs, generator="t", exported_at=dt.datetime(2026, 1, 1))
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_a_dump_carries_each_currencys_exponent(no_pins: None) -> None:
    group = GroupRecord("Trip", "EUR", MEMBERS)
    postings = (Posting("ann", "JPY", 1800), Posting("bob", "JPY", -1800))
    tx = TxRecord(1, dt.date(2026, 5, 1), "expense", "Sushi", "", "k1", postings)
    data = _written(group, [tx])
    assert data["version"] == 2
    assert data["currencies"] == {"EUR": 2, "JPY": 0}
    pin("HUF", 0)  # the open ledger keeps HUF at 0: the dump says so
    assert _written(*_huf_history())["currencies"] == {"HUF": 0}


def test_a_dump_at_the_ledgers_exponents_reads_back_unchanged(no_pins: None) -> None:
    pin("HUF", 0)
    dump = read_dump(json.dumps(_written(*_huf_history())))
    assert dump.exponents == {"HUF": 0}
    assert dump.transactions[0].postings[0].minor == 150000
    assert dump.balances == {("ann", "HUF"): 150000, ("bob", "HUF"): -150000}


def test_a_version_1_dump_is_read_at_cldr_digits_and_rescaled_exactly(no_pins: None) -> None:
    """A backup written before exponents were stored: its HUF amounts are whole forints.
    Restored into a ledger that has not used HUF (ISO: 2 places), they are x100."""
    pin("HUF", 0)
    data = _written(*_huf_history())  # 150000 means 150,000 HUF
    unpin("HUF")
    del data["currencies"]
    data["version"] = 1
    dump = read_dump(json.dumps(data))
    assert dump.exponents == {"HUF": 0}
    assert [p.minor for p in dump.domain[0].postings] == [15000000, -15000000]
    assert [p.minor for p in dump.transactions[0].postings] == [15000000, -15000000]
    assert dump.balances == {("ann", "HUF"): 15000000, ("bob", "HUF"): -15000000}
    pin("HUF", 0)  # into a ledger that kept HUF at 0: unchanged
    assert read_dump(json.dumps(data)).balances[("ann", "HUF")] == 150000


def test_a_dump_at_more_decimals_is_divided_only_when_nothing_is_lost(no_pins: None) -> None:
    data = _written(*_huf_history())  # a new ledger's dump: HUF at 2, 1,500.00 HUF
    assert data["currencies"] == {"HUF": 2}
    pin("HUF", 0)  # restored into a ledger that keeps HUF at 0
    assert read_dump(json.dumps(data)).balances[("ann", "HUF")] == 1500
    data["transactions"][0]["postings"][0]["minor"] = 150050
    data["transactions"][0]["postings"][1]["minor"] = -150050
    data["balances"] = [
        {"member": "ann", "currency": "HUF", "minor": 150050},
        {"member": "bob", "currency": "HUF", "minor": -150050},
    ]
    with pytest.raises(
        FormatError,
        match=r"^transactions\[0\]\.postings\[0\]: 1500\.50 HUF cannot be kept exactly: this "
        "ledger counts HUF in whole units$",
    ):
        read_dump(json.dumps(data))


def test_a_version_2_dump_must_give_the_exponent_of_each_currency_with_amounts(
    no_pins: None,
) -> None:
    data = _written(*_huf_history())
    data["currencies"] = {"EUR": 2}
    with pytest.raises(FormatError, match='HUF has amounts but "currencies" does not give'):
        read_dump(json.dumps(data))
    data["currencies"] = {"HUF": "2"}
    with pytest.raises(FormatError, match=r"currencies\.HUF: expected a number of decimal places"):
        read_dump(json.dumps(data))
    del data["currencies"]
    with pytest.raises(FormatError, match="'currencies' is missing"):
        read_dump(json.dumps(data))


def test_a_dump_in_a_currency_that_is_not_money_is_refused(no_pins: None) -> None:
    pin("DEM", 2)
    data = _written(*_huf_history())
    data["group"]["currency"] = "DEM"
    assert read_dump(json.dumps(data)).group.currency == "DEM"  # a ledger that used DEM
    unpin("DEM")
    with pytest.raises(FormatError, match=r"^group\.currency: DEM is not a current ISO 4217"):
        read_dump(json.dumps(data))
    data["group"]["currency"] = "HUF"
    data["transactions"][0]["postings"][0]["currency"] = "XAU"
    with pytest.raises(
        FormatError,
        match=r"^transactions\[0\]\.postings\[0\]\.currency: XAU is not money that people",
    ):
        read_dump(json.dumps(data))


HOSTILE = [
    (("group", "name"), "Trip\x1b]2;PWNED\x07", "group.name: contains a control character"),
    (("members", 0), "ann\u202e", "members[0]: contains a text-direction control"),
    (
        ("transactions", 0, "description"),
        "Din\u200bner",
        "transactions[0].description: contains an invisible character U+200B",
    ),
    (
        ("transactions", 0, "category"),
        "food\x1b[31m",
        "transactions[0].category: contains a control character U+001B (ESCAPE)",
    ),
    (("transactions", 0, "category"), "x" * 101, "transactions[0].category: is 101 characters"),
    (("transactions", 0, "description"), "   ", "transactions[0].description: must not be"),
    (
        ("transactions", 0, "postings", 1, "member"),
        "bob\u2066",
        "transactions[0].postings[1].member: contains a text-direction control",
    ),
    (("balances", 0, "member"), "ann\x00", "balances[0].member: contains a control character"),
    (("transactions", 0, "date"), "1969-12-31", "transactions[0].date: 1969-12-31 is outside"),
]


@pytest.mark.parametrize(("path", "value", "message"), HOSTILE, ids=[m for *_, m in HOSTILE])
def test_restored_text_passes_the_input_policy(
    path: tuple[str | int, ...], value: str, message: str
) -> None:
    group = GroupRecord("Trip", "EUR", MEMBERS)
    postings = (Posting("ann", "EUR", 5), Posting("bob", "EUR", -5))
    data = _written(group, [TxRecord(1, dt.date(2026, 1, 1), "payment", "Din", "", "k", postings)])
    holder: Any = data
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = value
    with pytest.raises(FormatError) as caught:
        read_dump(json.dumps(data))
    assert str(caught.value).startswith(message)


def test_restored_text_is_stored_nfc() -> None:
    group = GroupRecord("Cafe\u0301", "EUR", MEMBERS)  # "Café" with a combining accent
    dump = read_dump(json.dumps(_written(group, [])))
    assert dump.group.name == "Caf\u00e9"
