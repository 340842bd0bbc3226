"""The Spliit reader: its CSV and JSON exports of one group give the same transactions,
keys and balances (Spliit's own, from the test exporter's independent port of its share
rule); bad cells are refused naming the row and column (the expense and field in the
JSON); hostile text is refused or kept as plain text."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import formats, spliit, spliit_json
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.services import interchange
from splitledger.services.ledger import Ledger
from tests.databases import migrated_sqlite
from tests.interop import spliit_samples as samples

SAMPLES = Path(__file__).parent / "samples" / "spliit"


def _read(data: bytes, **options: Any) -> ImportedFile:
    return spliit.read(data, ReadOptions(**options))


def _balances(found: ImportedFile) -> dict[str, int]:
    out: dict[str, int] = {}
    for tx in found.transactions:
        for p in tx.postings:
            out[p.account] = out.get(p.account, 0) + p.minor
    return {k: v for k, v in out.items() if v}


def test_the_two_exports_of_one_group_give_the_same_transactions_and_spliits_balances() -> None:
    csv_file = _read((SAMPLES / "trip.csv").read_bytes())
    json_file = _read((SAMPLES / "trip.json").read_bytes())
    want = {k: v for k, v in samples.balances(samples.trip()).items() if v}
    assert want == {"Alice": 3225, "Bob": 4333, "Chloé": -7558}
    for found in (csv_file, json_file):
        assert (found.format, found.totals_from) == ("spliit", "rows")
        assert (found.members, found.currency) == (("Alice", "Bob", "Chloé"), "EUR")
        assert _balances(found) == want
        assert found.totals == {(m, "EUR"): v for m, v in want.items()}
        assert found.no_effect == 1  # "Own lunch": Alice alone
    # The same keys, postings and text, but for the note that only the JSON carries.
    for a, b in zip(csv_file.transactions, json_file.transactions, strict=True):
        assert (a.idempotency_key, a.postings, a.description) == (
            b.idempotency_key, b.postings, b.description,
        )  # fmt: skip
    dinner, _hotel, taxi, tickets, rent, refund = json_file.transactions
    assert [(p.account, p.minor) for p in dinner.postings] == [
        ("Alice", 9500), ("Alice", -3167), ("Bob", -3166), ("Chloé", -3167),
    ]  # fmt: skip
    assert taxi.description == "=Taxi"  # the CSV's formula quote is taken off
    assert tickets.note == "Spliit: 1.00 GBP at 97.26" == csv_file.transactions[3].note
    assert rent.note == "the flat's share"  # notes: folded to one line, JSON only
    assert [p.minor for p in refund.postings] == [-1000, 333, 333, 334]
    assert json_file.notes == (
        "1 expense repeats in Spliit (1 monthly): the occurrences it made so far are "
        "imported; add the rest with 'recurring add'",
    )


def test_the_2025_csv_layout_reads_the_same_but_for_the_conversion_note() -> None:
    old = _read((SAMPLES / "trip-2025.csv").read_bytes())
    new = _read((SAMPLES / "trip.csv").read_bytes())
    assert [t.postings for t in old.transactions] == [t.postings for t in new.transactions]
    assert old.totals == new.totals
    assert old.transactions[3].note == ""


def test_a_reimbursement_between_two_is_a_payment_in_both_shapes() -> None:
    for name in ("pair.csv", "pair.json"):
        found = _read((SAMPLES / name).read_bytes())
        groceries, back = found.transactions
        assert (groceries.kind, back.kind) == (TxKind.EXPENSE, TxKind.PAYMENT)
        assert back.category == "payment"
        assert [(p.account, p.minor) for p in back.postings] == [("Ben", 2500), ("Ann", -2500)]
        assert found.currency == "USD"


@pytest.mark.parametrize("name", ["trip.csv", "trip.json", "pair.csv", "trip-2025.csv"])
def test_auto_detection_picks_spliit(name: str) -> None:
    text = (SAMPLES / name).read_bytes().decode("utf-8-sig")
    assert formats.detect(text) == "spliit"


def test_keys_survive_a_longer_export_and_identical_expenses_stay_two() -> None:
    group = samples.trip()
    first = [t.idempotency_key for t in _read(samples.write_json(group)).transactions]
    twice = copy.deepcopy(group)
    early = samples.expense("e0", "2024-12-31", "Early", 700, "p2bob", {"p1alice": 1, "p2bob": 1})
    twice["expenses"].insert(0, early)
    twice["expenses"].append(copy.deepcopy(group["expenses"][0]) | {"id": "e9"})
    later = [t.idempotency_key for t in _read(samples.write_csv(twice)).transactions]
    assert later[1:-1] == first
    assert later[-1] not in later[:-1]  # the second dinner is a new transaction


def test_fnv1a_is_spliits_hash() -> None:
    assert spliit_json.fnv1a("a") == 0xE40C292C  # the FNV-1a 32-bit test vector
    for text in ("", "e1", "clx8w2k0h0000abcd", "é"):
        assert spliit_json.fnv1a(text) == samples.fnv1a(text)


TRIP_CSV = (SAMPLES / "trip.csv").read_bytes()

BAD_CSV = [
    (b"", None, None, "empty"),
    (TRIP_CSV.replace(b'"Cost"', b'"Amount"', 1), 1, "Amount", "expected 'Cost'"),
    (TRIP_CSV.split(b"\n")[0].rsplit(b',"Alice"', 1)[0] + b"\n", 1, None, "no participant"),
    (TRIP_CSV.replace(b'"Bob"', b'"Alice"', 1), 1, "Alice", "appears twice"),
    (TRIP_CSV.replace(b'"Bob"', b'"alice"', 1), 1, "alice", "reads the same"),
    (TRIP_CSV.replace(b"2025-01-06", b"06/01/2025", 1), 2, "Date", "not a date"),
    (TRIP_CSV.replace(b'"95.00"', b'"95,00"', 1), 2, "Cost", "not a number"),
    (TRIP_CSV.replace(b"31.67,-31.66", b"31.67,-3l.66", 1), 2, "Bob", "not a number"),
    (TRIP_CSV.replace(b'"No","Evenly",31', b'"Maybe","Evenly",31', 1), 2, "Is Reimbursement", ""),
    (TRIP_CSV.replace(b"31.67,-31.66", b"31.67,31.66", 1), 2, None, "payer's sign"),
    (TRIP_CSV.replace(b"31.67,-31.66,-31.67", b"31.67,-31.66,-1.67", 1), 2, "Cost", "--unbalanced"),
    (TRIP_CSV.replace(b'"EUR","95.00"', b'"EUX","95.00"', 1), 2, "Currency", "not an ISO"),
    (TRIP_CSV.replace(b'"1.00","GBP"', b'"1.00","GB"', 1), 5, "Original currency", ""),
    (TRIP_CSV.replace(b'"97.26","No"', b'"-3","No"', 1), 5, "Conversion rate", "positive"),
    (TRIP_CSV.replace(b",-31.66,-31.67\n", b",-31.66\n", 1), 2, None, "has 12 cells"),
    (TRIP_CSV.replace(b'"Dinner"', b'"Din\x1b[31mner"', 1), 2, "Description", "control"),
    (TRIP_CSV.replace(b'"Dinner"', "\u202eDinner".encode(), 1), 2, "Description", ""),
    (TRIP_CSV.replace(b'"Dinner"', b'"' + b"D" * 600 + b'"', 1), 2, "Description", "500"),
    (TRIP_CSV.replace(b'"Bob"', b'"' + b"B" * 500 + b'"', 1), 1, "#12", "100"),
    (TRIP_CSV.replace(b'"Bob"', b'"spliit\x1b"', 1), 1, None, "control"),
    (TRIP_CSV.replace(b'"Dinner"', b'"Din\xe9"', 1), 2, None, "UTF-8"),
    (TRIP_CSV.replace(b'"Dinner"', b'"Din"ner"', 1), 2, None, "not valid CSV"),
]


@pytest.mark.parametrize(("data", "row", "column", "words"), BAD_CSV)
def test_bad_csv_cells_are_refused_naming_row_and_column(
    data: bytes, row: int | None, column: str | None, words: str
) -> None:
    with pytest.raises(FormatError) as caught:
        _read(data)
    assert caught.value.row == row, caught.value
    if column is not None:
        assert caught.value.column == column, caught.value
    assert words in str(caught.value)


def test_rich_markup_in_text_is_kept_as_plain_text() -> None:
    found = _read(TRIP_CSV.replace(b'"Dinner"', b'"[bold]x[/]"', 1))
    assert found.transactions[0].description == "[bold]x[/]"


def test_a_payer_who_does_not_share_is_known_only_when_alone_at_zero() -> None:
    group = samples.trip()
    group["expenses"] = [
        samples.expense("r1", "2025-03-01", "Pay back", 2000, "p2bob", {"p1alice": 1},
                        reimbursement=True)
    ]  # fmt: skip
    with pytest.raises(FormatError, match=r"cannot tell who paid.*JSON export") as caught:
        _read(samples.write_csv(group))
    assert caught.value.row == 2
    payment = _read(samples.write_json(group)).transactions[0]
    assert payment.kind is TxKind.PAYMENT


def test_old_rounding_goes_to_the_payer_and_larger_gaps_to_unbalanced_to() -> None:
    rounded = TRIP_CSV.replace(b"31.67,-31.66,-31.67", b"31.67,-31.67,-31.67", 1)
    found = _read(rounded)
    assert [p.minor for p in found.transactions[0].postings] == [9500, -3166, -3167, -3167]
    assert "the payer's share took the difference (1 minor unit(s) in all)" in found.notes[0]
    gap = TRIP_CSV.replace(b"31.67,-31.66,-31.67", b"31.67,-31.66,-21.67", 1)
    booked = _read(gap, unbalanced_to="Former")
    assert booked.members[-1] == "Former"
    assert ("Former", -1000) in [(p.account, p.minor) for p in booked.transactions[0].postings]
    assert booked.notes == ("10.00 EUR over 1 row(s) went to Former",)
    assert _balances(booked) == {k: v for (k, _), v in booked.totals.items()}


def test_a_symbol_currency_needs_currency() -> None:
    legacy = TRIP_CSV.replace(b'"EUR"', '"€"'.encode())
    with pytest.raises(FormatError, match="--currency") as caught:
        _read(legacy)
    assert (caught.value.row, caught.value.column) == (2, "Currency")
    assert _read(legacy, currency="EUR").totals == _read(TRIP_CSV).totals
    group = samples.trip() | {"currencyCode": None}
    with pytest.raises(FormatError, match=r"only the symbol '€'.*--currency"):
        _read(samples.write_json(group))
    assert _read(samples.write_json(group), currency="EUR").currency == "EUR"


def _broken(change: Any) -> bytes:
    group = samples.trip()
    change(group)
    return samples.write_json(group)


BAD_JSON = [
    (b"{", "not valid JSON"),
    (b'{"participants": []}', "the field 'expenses' is missing"),
    (_broken(lambda g: g["participants"].append({"id": "p9", "name": "alice"})), "reads the same"),
    (_broken(lambda g: g["participants"][0].update(name="A\x1bB")), "participant 1, field 'name'"),
    (_broken(lambda g: g["expenses"][1].update(amount=12.5)), "expense 2, field 'amount'"),
    (_broken(lambda g: g["expenses"][1].update(amount=True)), "expense 2, field 'amount'"),
    (_broken(lambda g: g["expenses"][1].update(paidById="zz")), "expense 2, field 'paidById'"),
    (_broken(lambda g: g["expenses"][1].update(splitMode="ODD")), "field 'splitMode'"),
    (_broken(lambda g: g["expenses"][1].update(paidFor=[])), "nobody shares"),
    (_broken(lambda g: g["expenses"][1]["paidFor"][0].update(shares=0)), "only positive"),
    (_broken(lambda g: g["expenses"][1].update(expenseDate="yesterday")), "'expenseDate'"),
    (_broken(lambda g: g["expenses"][1].update(title="\u202eevil")), "expense 2, field 'title'"),
    (_broken(lambda g: g["expenses"][1].update(recurrenceRule="YEARLY")), "recurrenceRule"),
    (_broken(lambda g: g["expenses"][3].update(conversionRate="abc")), "'conversionRate'"),
    (_broken(lambda g: g["expenses"][1].pop("title")), "expense 2: the field 'title' is missing"),
]


@pytest.mark.parametrize(("data", "words"), BAD_JSON)
def test_bad_json_is_refused_naming_expense_and_field(data: bytes, words: str) -> None:
    with pytest.raises(FormatError, match=None) as caught:
        _read(data)
    assert words in str(caught.value)


# A random Spliit group: its two exports, read and imported into fresh ledgers.
IDS = [f"p{i}" for i in range(5)]


@st.composite
def groups(draw: st.DrawFn) -> samples.Group:
    count = draw(st.integers(2, 5))
    people = [{"id": IDS[i], "name": n} for i, n in enumerate(["Ann", "Bo", "Cyd", "Dee", "Eli"])]
    people = people[:count]
    expenses = []
    for n in range(draw(st.integers(1, 12))):
        payer = draw(st.sampled_from(people))["id"]
        shuffled = draw(st.permutations(people))
        members = shuffled[: draw(st.integers(1, count) | st.just(count))]
        mode = draw(st.sampled_from(sorted(samples.SPLIT_LABELS)))
        weight = st.integers(1, 3) | st.integers(1, 10_000)  # small ones tie: the rotation
        paid_for = {p["id"]: draw(weight) for p in members}
        amount = draw(st.integers(1, 10**7) | st.integers(-(10**5), -1))
        expenses.append(
            samples.expense(
                _id(draw(st.none() | st.text("abcdef0123", min_size=1, max_size=8)), n),
                f"2025-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}",
                draw(st.sampled_from(["Dinner", "=SUM(A1)", 'say "hi"', "Taxi, late"])),
                amount,
                payer,
                paid_for,
                mode=mode,
                reimbursement=draw(st.booleans()),
            )
        )
    return {"id": "g", "name": "G", "currencyCode": "EUR", "currency": "€",
            "expenses": expenses, "participants": people}  # fmt: skip


def _id(drawn: str | None, n: int) -> str | None:
    """An expense id, unique in the group (or none, as in exports before 2026)."""
    return None if drawn is None else f"{drawn}{n}"


def _ambiguous(group: samples.Group) -> bool:
    """An expense whose CSV row cannot name its payer (not a share of the payer's
    sign, and more than one 0 cell)."""
    for e in group["expenses"]:
        split = samples.shares(e)
        if split.get(e["paidById"], 0) == 0:
            zeros = [p for p in group["participants"] if split.get(p["id"], 0) == 0]
            if len(zeros) > 1:
                return True
    return False


def _import(template: Path, folder: Path, data: bytes, name: str) -> dict[tuple[str, str], int]:
    db = folder / f"{name}.db"
    migrated_sqlite(template, db)
    source = folder / name
    source.write_bytes(data)
    with Ledger.open(str(db), actor="tester") as ledger:
        outcome = interchange.import_file(ledger, "G", source, "spliit")
        assert outcome.ok
        assert outcome.report.committed
        view = ledger.balances("G")
        return {(b.member, b.currency): b.minor for b in view.balances if b.minor}


@settings(max_examples=25)
@given(group=groups())
def test_both_exports_of_a_random_group_give_spliits_balances_in_fresh_ledgers(
    group: samples.Group, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    want = {(m, "EUR"): v for m, v in samples.balances(group).items() if v}
    from_json = _read(samples.write_json(group))
    assert from_json.totals == want
    folder = tmp_path_factory.mktemp("spliit")
    assert _import(sqlite_template, folder, samples.write_json(group), "g.json") == want
    if _ambiguous(group):
        with pytest.raises(FormatError, match="cannot tell who paid"):
            _read(samples.write_csv(group))
        return
    from_csv = _read(samples.write_csv(group))
    assert from_csv.totals == want
    assert [t.idempotency_key for t in from_csv.transactions] == [
        t.idempotency_key for t in from_json.transactions
    ]
    assert _import(sqlite_template, folder, samples.write_csv(group), "g.csv") == want
