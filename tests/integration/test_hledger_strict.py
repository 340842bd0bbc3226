"""The hledger export read by the real hledger: `hledger check -s` (strict) passes, as
every commodity and account is declared; a note cannot forge tags; and each member has
one account that reads like no other member's name, with the balances of
`splitledger balances`. Tests that run hledger skip without it (fail under CI)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import random
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from splitledger.domain import exponent, name_key
from splitledger.domain.text import TextError, clean_text
from splitledger.interop import hledger
from splitledger.interop.accounts import AccountMap, beancount_component, hledger_component
from splitledger.services import interchange
from splitledger.services.ledger import Ledger
from tests.tools import tool

DAY = dt.date(2026, 11, 1)
#: Our own tags: the transactions', the note's line and the account directives'.
OURS = {"kind", "key", "category", "reverses", "replaces", "note", "member", "exchange"}
FORGED = "hi, kind:payment, evil:1"


def _export(
    ledger: Ledger, group: str, folder: Path, fmt: interchange.ExportFormat = "hledger"
) -> Path:
    out = io.StringIO()
    interchange.export_group(ledger, group, fmt, out)
    path = folder / f"{name_key(group).replace(' ', '-')}.{fmt}"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _hledger(path: Path, *args: str) -> str:
    done = subprocess.run(
        [tool("hledger"), "-f", str(path), *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _strict(path: Path) -> None:
    """Both checks pass (each fails with hledger's message)."""
    _hledger(path, "check", "-s")
    _hledger(path, "check")


def _balances(path: Path) -> dict[tuple[str, str], int]:
    """(account, currency) -> minor units, as `hledger bal` has them (zeros left out)."""
    report = _hledger(path, "bal", "--flat", "--no-total", "--layout=bare", "-O", "csv")
    return {
        (row["account"], row["commodity"]): int(
            Decimal(row["balance"]).scaleb(exponent(row["commodity"]))
        )
        for row in csv.DictReader(io.StringIO(report))
    }


def _expected(ledger: Ledger, group: str) -> dict[tuple[str, str], int]:
    """`splitledger balances` (members and exchange accounts) under the export's
    account names, zeros left out (for a group that has removed no member)."""
    view = ledger.balances(group)
    rows = [*view.balances, *view.exchange]
    names = [*ledger.group(group).members, *(b.member for b in rows)]
    accounts = AccountMap(hledger.ROOT, hledger_component, names, exchange_prefix=hledger.EXCHANGE)
    return {(accounts[b.member], b.currency): b.minor for b in rows if b.minor}


def _declared(path: Path) -> dict[str, str]:
    """account -> the comment of its `account` directive."""
    found = re.findall(r"^account (.+?)  ; (.*)$", path.read_text(encoding="utf-8"), re.M)
    return dict(found)


def _read_note(text: str) -> str:
    """A note back from the journal, as the module docstring says to read it."""
    out: list[str] = []
    chars = iter(text)
    for ch in chars:
        if ch == "\\":
            out.append(next(chars))
        else:
            out.append(":" if ch == "\u2236" else ch)
    return "".join(out)


# -- the strict check ----------------------------------------------------------------


def test_a_simple_group_passes_the_strict_check(trip: Ledger, tmp_path: Path) -> None:
    trip.record_expense(
        "Trip", description="Dinner", amount="90.01", paid_by=[("ann", None)], date=DAY,
        category="food", note="paid: by card",
    )  # fmt: skip
    trip.record_payment("Trip", payer="bob", payee="ann", amount="12.34", date=DAY)
    path = _export(trip, "Trip", tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "commodity 1000.00 EUR\n" in text
    assert set(_declared(path)) == {"members:ann", "members:bob", "members:cy"}
    _strict(path)
    assert _balances(path) == _expected(trip, "Trip")


@pytest.mark.parametrize("how", ["convert one member", "convert all", "settle in EUR"])
def test_conversions_pass_the_strict_check(world_trip: Ledger, tmp_path: Path, how: str) -> None:
    if how == "convert one member":  # leaves the exchange accounts holding something
        world_trip.convert("Trip", member="ann", date=DAY)
    elif how == "convert all":
        world_trip.convert("Trip", to="EUR", date=DAY)
    else:
        world_trip.settle_in("Trip", "EUR", record=True, date=DAY)
    path = _export(world_trip, "Trip", tmp_path)
    text = path.read_text(encoding="utf-8")
    for currency in ("BDT", "EUR", "USD"):
        assert f"commodity 1000.00 {currency}\n" in text
    declared = _declared(path)
    assert declared["members:ann"] == "member:ann"
    if how == "convert one member":  # the others' part of it sits in exchange accounts
        assert declared["equity:conversion:BDT-EUR"] == "exchange:BDT-EUR"
    _strict(path)
    assert _balances(path) == _expected(world_trip, "Trip")


def test_zero_and_three_decimal_currencies_are_declared_at_their_places(
    ledger: Ledger, tmp_path: Path
) -> None:
    ledger.create_group("Tokyo", "JPY", ["ann", "bob"])
    ledger.record_expense("Tokyo", description="Sushi", amount="3001", paid_by=[("ann", None)])
    ledger.record_expense(
        "Tokyo", description="Dates", amount="1.505", currency="BHD", paid_by=[("bob", None)]
    )
    path = _export(ledger, "Tokyo", tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "commodity 1000. JPY\n" in text  # hledger wants the decimal mark, even alone
    assert "commodity 1000.000 BHD\n" in text
    _strict(path)
    assert _balances(path) == _expected(ledger, "Tokyo")
    printed = _hledger(path, "print")  # shown as written: no decimals added or dropped
    assert re.search(r" 3001 JPY\n", printed)
    assert re.search(r" -150[01] JPY\n", printed)
    assert re.search(r" 1\.505 BHD\n", printed)
    assert re.search(r" -0\.75[23] BHD\n", printed)


def test_a_removed_member_is_declared_too(trip: Ledger, tmp_path: Path) -> None:
    trip.record_payment("Trip", payer="cy", payee="ann", amount="5", date=DAY)
    trip.record_payment("Trip", payer="ann", payee="cy", amount="5", date=DAY)
    trip.remove_member("Trip", "cy")
    path = _export(trip, "Trip", tmp_path)
    assert _declared(path)["members:cy"] == "member:cy"
    _strict(path)


# -- notes ---------------------------------------------------------------------------


HOSTILE_NOTES = [
    FORGED,
    "date:2026-01-02",
    "a,b:c",
    "kind:payment",
    "x :y, z: w,:v,w:",
    "C:\\temp\\ and a ratio \u2236 sign, \\\u2236 too",
    "\u2236:\\",
    '=HYPERLINK("x"); "quoted", with commas',
]


def test_a_note_cannot_forge_tags(trip: Ledger, tmp_path: Path) -> None:
    for i, note in enumerate(HOSTILE_NOTES):
        trip.record_expense(
            "Trip", description=f"Bill {i}", amount="10", paid_by=[("ann", None)], date=DAY,
            note=note,
        )  # fmt: skip
    trip.record_payment("Trip", payer="bob", payee="ann", amount="1", date=DAY)
    path = _export(trip, "Trip", tmp_path)
    _strict(path)
    assert set(_hledger(path, "tags").split()) <= OURS
    assert "evil" not in _hledger(path, "tags")
    paid = _hledger(path, "reg", "tag:kind=payment")
    assert "Bill" not in paid
    assert "bob paid ann" in paid
    assert _hledger(path, "reg", "tag:kind=expense").count("Bill") == len(HOSTILE_NOTES)
    # Each note reads back exactly from its line, as the module docstring says.
    lines = [
        line.removeprefix("    ; note: ")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("    ; note: ")
    ]
    assert [_read_note(line) for line in lines] == HOSTILE_NOTES
    assert lines[0] == "hi, kind\u2236payment, evil\u22361"
    assert lines[-1] == HOSTILE_NOTES[-1]  # a note without `:` is written as typed


#: Text the input policy keeps as it is: visible characters, NFC, trimmed.
clean_texts = st.text(
    st.sampled_from(":\\\u2236, ;ab") | st.characters(categories=["L", "N", "P", "S", "Zs"]),
    min_size=1,
    max_size=30,
).filter(lambda s: s == s.strip() and clean_text(s, field="t", max_length=99) == s)


@given(clean_texts)
def test_a_written_note_has_no_colon_and_reads_back(note: str) -> None:
    written = hledger.note_text(note)
    assert ":" not in written
    assert _read_note(written) == note


# -- account names -------------------------------------------------------------------


def _policy_name(text: str) -> bool:
    """A name the services accept for a new member."""
    try:
        cleaned = clean_text(text, field="name", max_length=100)
    except TextError:
        return False
    return cleaned == text and not text.lower().startswith("exchange:")


#: Member names as the input policy allows them, heavy on what cleaning changes.
member_names = st.text(
    st.sampled_from(["a", "b", "-", ":", ";", " ", "2", "A", ",", "\u2010", "l", "1"])
    | st.characters(categories=["L", "N", "P", "S"]),
    min_size=1,
    max_size=6,
).filter(_policy_name)
groups_of_names = st.lists(member_names, min_size=1, max_size=7, unique_by=name_key)


def _exact(mapping: AccountMap, name: str) -> bool:
    return mapping.clean(name) == name


def _check_rules(mapping: AccountMap, names: list[str]) -> None:
    """One account each; a name that needs no cleaning is its own account; any other
    reads (by `name_key`) like no other member's name or cleaned name, and like no
    other account."""
    accounts = {n: mapping[n] for n in names}
    assert len(set(accounts.values())) == len(names)
    keys = {n: name_key(a) for n, a in accounts.items()}
    for name in names:
        if _exact(mapping, name):
            assert accounts[name] == mapping.prefix + name
            continue
        for other in names:
            if other != name:
                assert keys[name] != keys[other]
                assert keys[name] != name_key(mapping.prefix + other)
                assert keys[name] != name_key(mapping.prefix + mapping.clean(other))


@given(groups_of_names, st.randoms(use_true_random=False))
def test_accounts_follow_the_rules_whatever_the_order(names: list[str], rnd: random.Random) -> None:
    shuffled = rnd.sample(names, len(names))
    for prefix, clean in (
        ("members:", hledger_component),
        ("Assets:Members:", beancount_component),
    ):
        first = AccountMap(prefix, clean, names)
        _check_rules(first, names)
        again = AccountMap(prefix, clean, shuffled)
        assert again.items() == [(n, first[n]) for n in shuffled]


@given(groups_of_names, member_names)
def test_a_name_met_late_still_reads_as_nobody_else(names: list[str], late: str) -> None:
    """beancount's writer streams: a removed member is first met in a posting."""
    assume(all(name_key(late) != name_key(n) for n in names))
    mapping = AccountMap("members:", hledger_component, names)
    mapping[late]
    accounts = [mapping[n] for n in [*names, late]]
    assert len(set(accounts)) == len(accounts)
    if not _exact(mapping, late):
        assert name_key(mapping[late]) not in {name_key(mapping[n]) for n in names}


def test_look_alike_names_get_accounts_that_read_as_their_own(
    ledger: Ledger, tmp_path: Path
) -> None:
    """The tester's case: `a:b` beside `a-b` and `a-b-2`; and the same in another
    order. A reader finds each member under its own name or one nobody else has."""
    expected = {"a-b": "members:a-b", "a-b-2": "members:a-b-2", "a:b": "members:a-b-3"}
    for group, members in (("N1", ["a:b", "a-b", "a-b-2"]), ("N2", ["a-b-2", "a-b", "a:b"])):
        ledger.create_group(group, "EUR", members)
        ledger.record_expense(
            group, description="Taxi", amount="90", paid_by=[("a:b", None)],
            participants=[("a-b", None)], date=DAY,
        )  # fmt: skip
        ledger.record_expense(
            group, description="Bus", amount="30", paid_by=[("a-b-2", None)], date=DAY
        )
        path = _export(ledger, group, tmp_path)
        declared = _declared(path)
        assert {a: declared[a].removeprefix("member:") for a in declared} == {
            account: member for member, account in expected.items()
        }
        _strict(path)
        assert _balances(path) == {
            ("members:a-b", "EUR"): -10000,
            ("members:a-b-2", "EUR"): 2000,
            ("members:a-b-3", "EUR"): 8000,
        }
        assert _balances(path) == _expected(ledger, group)
        beans = _export(ledger, group, tmp_path, "beancount")
        checked = subprocess.run([tool("bean-check"), str(beans)], capture_output=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


GROUPS = itertools.count()


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=groups_of_names, data=st.data())
def test_random_names_give_distinct_accounts_with_the_ledgers_balances(
    ledger: Ledger, tmp_path: Path, names: list[str], data: st.DataObject
) -> None:
    group = f"G{next(GROUPS)}"
    ledger.create_group(group, "EUR", names)
    for _ in range(data.draw(st.integers(1, 3))):
        payer = data.draw(st.sampled_from(names))
        amount = data.draw(st.integers(1, 10**6))
        ledger.record_expense(
            group, description="Bill", amount=f"{amount / 100:.2f}", paid_by=[(payer, None)],
            date=DAY, note=data.draw(clean_texts),
        )  # fmt: skip
    path = _export(ledger, group, tmp_path)
    declared = _declared(path)
    assert len(declared) == len(names)
    _strict(path)
    assert set(_hledger(path, "tags").split()) <= OURS
    assert _balances(path) == _expected(ledger, group)


def test_reading_the_spool_back_in_small_blocks_changes_nothing(
    world_trip: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world_trip.convert("Trip", member="ann", date=DAY)
    whole = _export(world_trip, "Trip", tmp_path).read_text(encoding="utf-8")
    for block in (1, 2, 5, 64):
        monkeypatch.setattr(hledger, "_BLOCK", block)
        assert _export(world_trip, "Trip", tmp_path).read_text(encoding="utf-8") == whole
