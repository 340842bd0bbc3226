"""The IHateMoney reader: its JSON and CSV bills exports give the same transactions, split
exactly by weight; IHateMoney's own (float) balances agree to the rounding; bad cells
are refused naming the row and column (the bill and field in the JSON)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import formats, ihatemoney
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions

SAMPLES = Path(__file__).parent / "samples" / "ihatemoney"
Bill = dict[str, Any]


def _read(data: bytes, **options: Any) -> ImportedFile:
    return ihatemoney.read(data, ReadOptions(**options))


def _balances(found: ImportedFile) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for tx in found.transactions:
        for p in tx.postings:
            out[p.account, p.currency] = out.get((p.account, p.currency), 0) + p.minor
    return {k: v for k, v in out.items() if v}


# A test-only IHateMoney exporter, after ihatemoney/models.py get_pretty_bills and
# utils.py list_of_dicts2csv (read, not copied).
def write_json(bills: list[Bill]) -> bytes:
    return json.dumps(bills, ensure_ascii=False, indent=4).encode("utf-8")


def write_csv(bills: list[Bill]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(bills[0]))
    for bill in bills:
        row = [", ".join(v) if k == "owers" else v for k, v in bill.items()]
        writer.writerow(
            ["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\n" and v else v for v in row]
        )
    return out.getvalue().encode("utf-8")


def ihm_balances(bills: list[Bill]) -> dict[tuple[str, str], float]:
    """IHateMoney's full_balance, in floats, per member and bill currency."""
    weights = {b["payer_name"]: b["payer_weight"] for b in bills}
    out: dict[tuple[str, str], float] = {}
    for b in bills:
        total = sum(weights.get(o, 1) for o in b["owers"])
        key = (b["payer_name"], b["currency"])
        out[key] = out.get(key, 0.0) + b["amount"]
        for o in b["owers"]:
            share = weights.get(o, 1) * b["amount"] / total
            out[o, b["currency"]] = out.get((o, b["currency"]), 0.0) - share
    return out


def test_json_and_csv_give_the_same_transactions_split_by_weight() -> None:
    from_json = _read((SAMPLES / "project-bills.json").read_bytes())
    from_csv = _read((SAMPLES / "project-bills.csv").read_bytes())
    assert from_json.transactions == from_csv.transactions
    assert from_json.totals == from_csv.totals == _balances(from_json)
    assert from_json.totals == {
        ("Zoé", "EUR"): 778, ("Fred", "EUR"): 1722, ("Amina", "EUR"): -2500,
        ("Zoé", "CHF"): 4550, ("Fred", "CHF"): -2275, ("Amina", "CHF"): -2275,
    }  # fmt: skip
    assert (from_json.members, from_json.currency) == (("Zoé", "Fred", "Amina"), "EUR")
    assert (from_json.format, from_json.totals_from) == ("ihatemoney", "rows")
    supermarket, train, back, _museum = from_json.transactions
    assert [(p.account, p.minor) for p in supermarket.postings] == [
        ("Zoé", 10000), ("Zoé", -5000), ("Fred", -2500), ("Amina", -2500),
    ]  # Zoé weighs 2  # fmt: skip
    assert train.description == "Train, return"
    assert (back.kind, back.category) == (TxKind.PAYMENT, "payment")
    assert from_json.no_effect == 1  # '=1+1 snacks': Fred alone (the CSV's quote is off)
    assert from_json.notes == (
        "Amina never paid, so the export gives no weight: 1 was used, as IHateMoney's own "
        "import does",
    )


@pytest.mark.parametrize("name", ["project-bills.json", "project-bills.csv", "no-currency.csv"])
def test_auto_detection_picks_ihatemoney(name: str) -> None:
    assert formats.detect((SAMPLES / name).read_text("utf-8")) == "ihatemoney"


def test_no_currency_needs_currency_and_a_comma_name_is_joined_back() -> None:
    data = (SAMPLES / "no-currency.csv").read_bytes()
    with pytest.raises(FormatError, match=r"XXX.*--currency") as caught:
        _read(data)
    assert (caught.value.row, caught.value.column) == (2, "currency")
    found = _read(data, currency="gbp")
    assert found.members == ("Smith, J", "Kim")
    assert found.totals == {("Smith, J", "GBP"): 200, ("Kim", "GBP"): -200}
    assert [p.minor for p in found.transactions[0].postings] == [3000, -1800, -1200]  # 1.5 : 1


def test_an_old_export_without_bill_type_or_currency() -> None:
    found = _read((SAMPLES / "old-no-type.json").read_bytes(), currency="EUR")
    assert found.transactions[0].kind is TxKind.EXPENSE
    assert _balances(found) == {("Lea", "EUR"): 4000, ("Max", "EUR"): -2000, ("Ines", "EUR"): -2000}


def test_the_settle_up_export_is_refused_naming_the_bills_export() -> None:
    with pytest.raises(FormatError, match=r"settle-up export.*bills"):
        _read((SAMPLES / "settle.json").read_bytes())
    with pytest.raises(FormatError, match="settle-up export"):
        _read(b"amount,receiver,ower,currency\n12.5,Zoe,Fred,EUR\n")


def test_keys_are_stable_and_a_longer_export_adds_only_its_new_bills() -> None:
    data = (SAMPLES / "project-bills.csv").read_bytes()
    first = [t.idempotency_key for t in _read(data).transactions]
    assert first == [t.idempotency_key for t in _read(data).transactions]
    header, rest = data.split(b"\n", 1)
    early = b'Early bird,Expense,9.0,EUR,2024-01-01,Fred,1.0,"Fred, Zo\xc3\xa9"\n'
    later = [t.idempotency_key for t in _read(header + b"\n" + early + rest + rest).transactions]
    assert later[1:5] == first
    assert len(set(later)) == len(later)  # the same bills twice are two each


CSV = (SAMPLES / "project-bills.csv").read_bytes()
BAD_CSV = [
    (b"", None, None, "empty"),
    (CSV.replace(b",owers", b",owed", 1), 1, None, "no column 'owers'"),
    (CSV.replace(b"100.0,EUR", b"1OO.0,EUR", 1), 2, "amount", "not a number"),
    (CSV.replace(b"100.0,EUR", b"100.001,EUR", 1), 2, "amount", "decimals"),
    (CSV.replace(b",EUR,2024-05-03", b",EUX,2024-05-03", 1), 2, "currency", ""),
    (CSV.replace(b"2024-05-03", b"03/05/2024", 1), 2, "date", "not a date"),
    (CSV.replace(b"Supermarket,Expense", b"Supermarket,Gift", 1), 2, "bill_type", "neither"),
    (CSV.replace(b"Zo\xc3\xa9,2.0", b"Zo\xc3\xa9,0", 1), 2, "payer_weight", "positive"),
    (CSV.replace(b'Zo\xc3\xa9,2.0,"Fred', b'Zo\xc3\xa9,3.0,"Fred', 1), 5, "payer_weight", ""),
    (CSV.replace(b'"Zo\xc3\xa9, Fred, Amina"', b'"Fred, Fred"', 1), 2, "owers", "twice"),
    (CSV.replace(b'"Zo\xc3\xa9, Fred, Amina"', b'""', 1), 2, "owers", ""),
    (CSV.replace(b"Supermarket", b"Super\x1bmarket", 1), 2, "what", "control"),
    (CSV.replace(b"Supermarket", "\u202eSupermarket".encode(), 1), 2, "what", ""),
    (CSV.replace(b"Supermarket", b"S" * 600, 1), 2, "what", "500"),
    (CSV.replace(b"Amina", b"A" * 500, 1), 2, "owers", "100"),
    (CSV.replace(b"Amina", b"zo\xc3\xa9", 1), None, None, "reads the same"),
    (CSV.replace(b"Museum,Expense,45.5", b"Museum,Expense", 1), 5, None, "has 7 cells"),
]


@pytest.mark.parametrize(("data", "row", "column", "words"), BAD_CSV)
def test_bad_csv_cells_are_refused_naming_row_and_column(
    data: bytes, row: int | None, column: str | None, words: str
) -> None:
    with pytest.raises(FormatError) as caught:
        _read(data)
    assert (caught.value.row, caught.value.column) == (row, column), caught.value
    assert words in str(caught.value)


def _json(change: Any) -> bytes:
    bills = json.loads((SAMPLES / "project-bills.json").read_text("utf-8"))
    change(bills)
    return write_json(bills)


BAD_JSON = [
    (b"[", "not valid JSON"),
    (b'{"what": 1}', "not a JSON list"),
    (_json(lambda b: b[1].update(amount=True)), "bill 2, field 'amount'"),
    (_json(lambda b: b[1].update(amount="x")), "bill 2, field 'amount'"),
    (_json(lambda b: b[1].update(owers="Zoé")), "bill 2, field 'owers'"),
    (_json(lambda b: b[1].update(owers=[1])), "bill 2, field 'owers'"),
    (_json(lambda b: b[1].pop("payer_name")), "bill 2: the field 'payer_name' is missing"),
    (_json(lambda b: b[1].update(payer_name="[x]\x1b")), "bill 2, field 'payer_name'"),
    (_json(lambda b: b[1].update(date="2024-13-01")), "bill 2, field 'date'"),
]


@pytest.mark.parametrize(("data", "words"), BAD_JSON)
def test_bad_json_is_refused_naming_bill_and_field(data: bytes, words: str) -> None:
    with pytest.raises(FormatError) as caught:
        _read(data)
    assert words in str(caught.value)


def test_rich_markup_is_kept_as_plain_text() -> None:
    found = _read(CSV.replace(b"Supermarket", b"[bold]x[/]", 1))
    assert found.transactions[0].description == "[bold]x[/]"


NAMES = ["Zoé", "Fred", "Amina", "Smith, J", "=Bob"]


@st.composite
def projects(draw: st.DrawFn) -> list[Bill]:
    weights = {n: draw(st.sampled_from([1.0, 2.0, 0.5, 1.5, 3.0])) for n in NAMES}
    # 'Smith, J' pays once: in the CSV's owers cell, only a payer's name keeps its comma.
    bills = [{"what": "Start", "bill_type": "Expense", "amount": 1.0, "currency": "EUR",
              "date": "2024-01-01", "payer_name": "Smith, J",
              "payer_weight": weights["Smith, J"], "owers": ["Zoé"]}]  # fmt: skip
    for _ in range(draw(st.integers(1, 15))):
        payer = draw(st.sampled_from(NAMES))
        owers = draw(st.lists(st.sampled_from(NAMES), min_size=1, unique=True))
        bills.append(
            {
                "what": draw(st.sampled_from(["Pizza", "-refund", 'a "b", c', "Taxi"])),
                "bill_type": draw(st.sampled_from(["Expense", "Reimbursement"])),
                "amount": draw(st.integers(-(10**5), 10**7)) / 100,
                "currency": draw(st.sampled_from(["EUR", "CHF"])),
                "date": f"2024-0{draw(st.integers(1, 9))}-2{draw(st.integers(0, 8))}",
                "payer_name": payer,
                "payer_weight": weights[payer],
                "owers": owers,
            }
        )
    return bills


@settings(max_examples=60)
@given(bills=projects())
def test_both_shapes_agree_and_match_ihatemoneys_float_balances(bills: list[Bill]) -> None:
    from_json = _read(write_json(bills))
    from_csv = _read(write_csv(bills))
    assert from_json.transactions == from_csv.transactions
    assert from_json.totals == from_csv.totals == _balances(from_json)
    theirs = ihm_balances(bills)
    for key in theirs.keys() | from_json.totals.keys():
        # Exact cents against floats: at most a cent per bill apart.
        assert abs(from_json.totals.get(key, 0) - theirs.get(key, 0.0) * 100) <= len(bills)
    for tx in from_json.transactions:
        assert sum(p.minor for p in tx.postings) == 0
