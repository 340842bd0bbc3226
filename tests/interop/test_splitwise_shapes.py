"""Every real shape of Splitwise's export (issue 18): friend exports with a `Note:` line,
the seven languages, the lower-case headings, one-decimal amounts and `Current balance`
of old exports, one footer per currency, former members without a column
(`unbalanced_to`) and files without a footer (`no_footer`).

The files under samples/splitwise/ were written for these tests from the shapes real
exports have (their footers computed from their rows, not typed)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import splitwise
from splitledger.interop.errors import FormatError
from splitledger.interop.splitwise_languages import (
    LANGUAGES,
    closest,
    fold,
    is_total_label,
    language_of,
)
from tests.interop.splitwise_samples import export

SAMPLES = Path(__file__).parent / "samples" / "splitwise"
BALANCED = [
    "group_brl_ten_members.csv",
    "two_person_usd_turkish.csv",
    "macedonian_mkd.csv",
    "three_currencies_several_payers.csv",
    "friend_note_three_currencies.csv",
    "german.csv",
    "french.csv",
    "spanish.csv",
    "italian.csv",
    "portuguese.csv",
    "dutch.csv",
]
FORMER = "Former members"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _sums(found: splitwise.SplitwiseFile) -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for tx in found.transactions:
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
    return dict(sums)


def _nonzero(totals: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return {k: v for k, v in totals.items() if v}


@pytest.mark.parametrize("name", BALANCED)
def test_each_balanced_shape_is_detected_and_reconciles_with_its_footers(name: str) -> None:
    data = sample(name)
    assert splitwise.detect(data.decode("utf-8")[:4096])
    found = splitwise.parse(data)
    assert found.totals_from == "file"
    assert found.notes == ()
    assert found.transactions
    assert _nonzero(_sums(found)) == _nonzero(found.totals)
    for tx in found.transactions:  # every transaction balances per currency
        assert sum(p.minor for p in tx.postings) == 0
    keys = [t.idempotency_key for t in found.transactions]
    assert len(set(keys)) == len(keys)


def test_ten_members_with_accents_keep_their_names() -> None:
    found = splitwise.parse(sample("group_brl_ten_members.csv"))
    assert len(found.members) == 10
    assert "Zé Antônio" in found.members
    assert "Conceição" in found.members
    assert found.main_currency() == "BRL"


def test_identical_rows_on_one_day_stay_two() -> None:
    found = splitwise.parse(sample("two_person_usd_turkish.csv"))
    teas = [t for t in found.transactions if t.description == "Çay ve simit"]
    assert len(teas) == 2
    assert teas[0].idempotency_key != teas[1].idempotency_key
    assert [t.kind for t in found.transactions].count(TxKind.PAYMENT) == 1


def test_one_footer_per_currency_is_reconciled() -> None:
    found = splitwise.parse(sample("three_currencies_several_payers.csv"))
    assert {c for _, c in found.totals} == {"MKD", "USD", "CHF"}
    assert found.totals["Boris", "CHF"] == 21560
    wrong = sample("three_currencies_several_payers.csv").replace(
        b"CHF,-107.80,215.60", b"CHF,-107.80,215.50"
    )
    with pytest.raises(FormatError, match=r"^row 12, column 'Boris': the total is 215\.50 CHF"):
        splitwise.parse(wrong)


def test_a_friend_export_skips_its_note_and_names_real_lines() -> None:
    data = sample("friend_note_three_currencies.csv")
    found = splitwise.parse(data)
    assert found.members == ("Antonio Petrov", "Dejan Ilievski")
    assert len(found.transactions) == 24
    assert {c for _, c in found.totals} == {"MKD", "EUR", "USD"}
    # the header is line 3, the first row line 5: messages name the lines as they are
    bad = data.replace(b"Dejan Ilievski\r\n", b"Dejan Ilievski\n").replace(
        b",Dejan Ilievski", b",antonio petrov", 1
    )
    with pytest.raises(FormatError) as caught:
        splitwise.parse(bad)
    assert (caught.value.row, caught.value.column) == (3, "antonio petrov")
    with pytest.raises(FormatError, match=r"^row 5, column 'Date'"):
        splitwise.parse(data.replace(b"2016-01-01", b"01/01/2016", 1))


def test_at_most_three_preamble_lines() -> None:
    three = b"Note: a\nfile_export\n\n,,,\nNote: c\n" + export()
    found, plain = splitwise.parse(three), splitwise.parse(export())
    assert (found.transactions, found.totals) == (plain.transactions, plain.totals)
    assert found.rows[0].row == plain.rows[0].row + 5  # lines named as they are
    with pytest.raises(FormatError, match=r"^row 4, column 'Note: d': expected 'Date' here"):
        splitwise.parse(b"Note: a\nNote: b\nNote: c\nNote: d\n" + export())
    with pytest.raises(FormatError, match="empty"):
        splitwise.parse(b"Note: does not include group expenses\n\n")


@pytest.mark.parametrize(
    ("name", "heading", "payment"),
    [
        ("german.csv", "Kosten", "Papa zahlte Ines G."),
        ("french.csv", "Coût", "Chloé a payé Amélie"),
        ("spanish.csv", "Coste", "Sofía pagó a Lucía"),
        ("italian.csv", "Costo", "Niccolò ha pagato Giulia"),
        ("portuguese.csv", "Custo", "Tomé pagou Inês"),
        ("dutch.csv", "Kosten", "Sanne betaalde Daan"),
    ],
)
def test_other_languages_read_their_payments_and_name_their_columns(
    name: str, heading: str, payment: str
) -> None:
    data = sample(name)
    found = splitwise.parse(data)
    paid = [t for t in found.transactions if t.kind is TxKind.PAYMENT]
    assert [t.description for t in paid] == [payment]
    assert paid[0].category == "payment"
    blank_cost = data.replace(b",90.00,EUR", b", ,EUR", 1)
    with pytest.raises(FormatError) as caught:
        splitwise.parse(blank_cost)
    assert str(caught.value) == f"row 3, column {heading!r}: is empty"


def test_german_footer_label_and_its_wrong_header_named_in_german() -> None:
    data = sample("german.csv")
    assert splitwise.parse(data).totals["Papa", "EUR"] == -1426
    with pytest.raises(FormatError) as caught:
        splitwise.parse(data.replace("Währung".encode(), b"Waehrung", 1))
    assert str(caught.value).startswith("row 1, column 'Waehrung': expected 'Währung' here")


def test_english_keys_did_not_move_and_other_languages_keys_are_stable() -> None:
    """The key digest of an English file is what it always was (re-importing an old
    export records nothing); a German file's keys are as stable."""
    first = splitwise.parse(export()).transactions[0]
    assert first.idempotency_key == "splitwise:9dafc37d9f5c40bcd8fc95b7c3cd8c286288d5c3"
    german = [t.idempotency_key for t in splitwise.parse(sample("german.csv")).transactions]
    assert german == [t.idempotency_key for t in splitwise.parse(sample("german.csv")).transactions]


def test_lower_case_headings_one_decimal_amounts_and_current_balance() -> None:
    data = sample("old_2012_former_member.csv")
    with pytest.raises(FormatError) as caught:
        splitwise.parse(data)
    message = str(caught.value)
    assert message.startswith("row 3: the member cells add up to -102.00 USD, not zero")
    assert "--unbalanced-to NAME" in message
    found = splitwise.parse(data, unbalanced_to=FORMER)
    assert found.members == ("Alice", "Bob", FORMER)
    groceries = found.transactions[1]
    assert [(p.account, p.minor) for p in groceries.postings] == [("Alice", 4250), ("Bob", -4250)]
    # the footer's two members, and the former members' computed total
    assert found.totals == {("Alice", "USD"): -50, ("Bob", "USD"): -7150, (FORMER, "USD"): 7200}
    assert _sums(found) == found.totals
    assert found.totals_from == "file"
    assert found.notes == (
        "72.00 USD booked to Former members from 3 rows whose member cells do not add up to "
        "zero (--unbalanced-to)",
    )
    paid = found.transactions[3]  # "Bob paid Carl": Carl left, so the payment is to them
    assert paid.kind is TxKind.PAYMENT
    assert [(p.account, p.minor) for p in paid.postings] == [("Bob", 2000), (FORMER, -2000)]


def test_unbalanced_keys_are_the_rows_and_a_longer_file_adds_only_new_rows() -> None:
    data = sample("old_2012_former_member.csv")
    keys = [t.idempotency_key for t in splitwise.parse(data, unbalanced_to=FORMER).transactions]
    other = splitwise.parse(data, unbalanced_to="Gone").transactions
    assert keys == [t.idempotency_key for t in other]
    row = b"2012-03-20,Beer,general,10.0,USD,5.0,-5.0\n\n"
    longer = data.replace(b"\n\n\n2012-04-01", b"\n" + row + b"\n2012-04-01").replace(
        b"USD,-0.5,-71.5", b"USD,4.5,-76.5"
    )
    more = [t.idempotency_key for t in splitwise.parse(longer, unbalanced_to=FORMER).transactions]
    assert more[:-1] == keys
    assert more[-1] not in keys


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Alice", "reads the same as the file's column 'Alice'"),
        ("ALICE", "reads the same as the file's column 'Alice'"),
        ("\u0410lice", "reads the same as the file's column 'Alice'"),  # Cyrillic А
        ("exchange:USD-EUR", "reserved for exchange accounts"),
        ("a\x1bb", "U+001B (ESCAPE)"),
        ("a\u202eb", "U+202E"),
        ("N" * 101, "at most 100"),
        ("   ", "must not be empty"),
    ],
)
def test_the_unbalanced_member_passes_the_input_policy(name: str, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        splitwise.parse(sample("old_2012_former_member.csv"), unbalanced_to=name)
    assert str(caught.value).startswith("--unbalanced-to: ")
    assert message in str(caught.value)
    assert str(caught.value).isprintable()


def test_markup_in_the_unbalanced_member_is_plain_text() -> None:
    found = splitwise.parse(sample("old_2012_former_member.csv"), unbalanced_to="[bold]x[/]")
    assert found.members[-1] == "[bold]x[/]"


def test_a_file_without_footers_is_refused_naming_no_footer() -> None:
    data = sample("no_footer_three_currencies.csv")
    with pytest.raises(FormatError, match=r"^row 3: .*--unbalanced-to NAME"):
        splitwise.parse(data)
    with pytest.raises(FormatError) as caught:
        splitwise.parse(data, unbalanced_to=FORMER)
    assert str(caught.value).startswith("no 'Total balance' line for EUR, MKD, USD")
    assert "--no-footer" in str(caught.value)
    found = splitwise.parse(data, unbalanced_to=FORMER, no_footer=True)
    assert found.totals_from == "rows"
    assert _nonzero(found.totals) == _sums(found)
    assert found.totals[FORMER, "MKD"] == -300000
    assert found.totals[FORMER, "USD"] == 25000
    assert found.notes[-1] == (
        "no 'Total balance' line for EUR, MKD, USD: not reconciled against a footer, "
        "only against the sums of the file's rows"
    )
    payments = [t for t in found.transactions if t.kind is TxKind.PAYMENT]
    assert len(payments) == 2


def test_a_footer_missing_for_one_currency_only() -> None:
    usd = "2026-03-05,Taxi,Taxi,8.00,USD,4.00,-4.00,0.00\n"
    data = export([usd], "2026-03-06,Total balance, , ,EUR,0.00,0.00,0.00\n")
    with pytest.raises(FormatError, match=r"^no 'Total balance' line for USD: .*--no-footer"):
        splitwise.parse(data)
    found = splitwise.parse(data, no_footer=True)
    assert found.totals_from == "rows"  # not every total is the file's own
    assert found.totals[("Ann Lee", "USD")] == 400
    assert found.totals[("Ann Lee", "EUR")] == 0
    assert found.notes == (
        "no 'Total balance' line for USD: not reconciled against a footer, only against "
        "the sums of the file's rows",
    )
    # the footer that is there is still checked
    wrong = export([usd], "2026-03-06,Total balance, , ,EUR,1.00,-1.00,0.00\n")
    with pytest.raises(FormatError, match=r"the total is 1\.00 EUR"):
        splitwise.parse(wrong, no_footer=True)


def test_flags_change_nothing_for_a_file_that_needs_none() -> None:
    plain = splitwise.parse(export())
    assert splitwise.parse(export(), unbalanced_to=FORMER, no_footer=True) == plain


@pytest.mark.parametrize(
    "head",
    [
        "name,age\nbob,3\n",
        "Date,Title,Amount,Currency\n",
        "Note: hello\n\nDate,Description,Amount\n",
        '{"format": "splitledger-group"}',
        "",
        '"unterminated\n',
    ],
)
def test_other_files_are_not_taken_for_splitwise(head: str) -> None:
    assert not splitwise.detect(head)


@pytest.mark.parametrize(
    "head",
    [
        "\ufeffDate,Description,Category,Cost,Currency,A,B\r\n",
        "date,description,category,cost,currency,A,B\n",
        "Note: does not include group expenses\n\nDate,Description,Category,Cost,Currency,A\n",
        "Datum,Beschreibung,Kategorie,Kosten,Währung,A,B\n",
        "DATE , Description,Catégorie,Coût,Devise,A\n",
        "Fecha,Descripcion,Categoria,Costo,Moneda,A\n",  # without accents
    ],
)
def test_every_shape_is_detected(head: str) -> None:
    assert splitwise.detect(head)


# -- the table of languages -------------------------------------------------------------


def test_the_table_has_the_seven_languages_each_with_distinct_words() -> None:
    assert [lang.code for lang in LANGUAGES] == ["en", "de", "fr", "es", "it", "pt", "nl"]
    for lang in LANGUAGES:
        folded = [fold(s) for spellings in lang.headings for s in spellings]
        assert len(folded) == len(set(folded)), lang.code
        assert lang.payment
        assert lang.totals
        assert not {fold(p) for p in lang.payment} & {fold(t) for t in lang.totals}
        assert language_of([s[0] for s in lang.headings]) is not None
        for label in lang.totals:
            assert is_total_label(label.upper())


def test_no_two_languages_read_one_header_differently() -> None:
    """A header is read by the first language it matches; the payment word must not
    depend on that order, so two languages that match the same header agree on it."""
    for lang in LANGUAGES:
        first = language_of([s[0] for s in lang.headings])
        assert first is not None
        assert {fold(p) for p in first.payment} == {fold(p) for p in lang.payment}


@given(st.lists(st.sampled_from(["Date", "Datum", "Cost", "x", "Kosten", ""]), max_size=6))
def test_closest_names_a_heading_that_does_not_match(cells: list[str]) -> None:
    lang, index = closest(cells)
    if language_of(cells) is None:
        assert index < 5
        found = fold(cells[index]) if index < len(cells) else ""
        assert found not in {fold(s) for s in lang.headings[index]}


@given(st.text(max_size=20))
def test_fold_is_idempotent_and_ignores_case_and_accents(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert fold(text.upper()) == fold(text.lower()) or not text.isascii()
    assert fold("Währung") == fold("wahrung") == "wahrung"
