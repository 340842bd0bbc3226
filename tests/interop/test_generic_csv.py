"""The generic CSV reader: spreadsheets and bank statements through a mapping, each row
an expense among named members, exact amounts, dates read only when unambiguous, errors
naming the row and column, keys stable across re-imports and longer files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from splitledger.domain import TxKind
from splitledger.interop import generic_csv
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.services.errors import InvalidInput
from splitledger.services.interchange import parse_mapping

SAMPLES = Path(__file__).parent / "samples" / "csv"

SHEET = (
    "Date,Description,Cost,Paid by,For,Currency\n"
    "2026-03-01,Groceries,30.00,ann,ann;bob;cy,EUR\n"
    "2026-03-02,Taxi,10.00,bob,,EUR\n"
    "2026-03-03,Cinema,16.00,cy,ann;cy,EUR\n"
)
SHEET_MAP = "date=Date,amount=Cost,payer=Paid by,participants=For,currency=Currency," + (
    "description=Description"
)


def read(data: str | bytes, mapping: str = SHEET_MAP, **options: object) -> ImportedFile:
    raw = data.encode() if isinstance(data, str) else data
    return generic_csv.read(raw, ReadOptions(mapping=parse_mapping(mapping), **options))  # type: ignore[arg-type]


def balances(found: ImportedFile) -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for tx in found.transactions:
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
    return {k: v for k, v in sums.items() if v}


def refused(data: str, mapping: str = SHEET_MAP, **options: object) -> str:
    with pytest.raises(FormatError) as caught:
        read(data, mapping, **options)
    return str(caught.value)


def test_a_spreadsheet_becomes_equal_splits_reconciled_from_its_cells() -> None:
    found = read(SHEET)
    assert found.format == "csv"
    assert found.members == ("ann", "bob", "cy")  # in order of appearance
    assert found.currency == "EUR"
    assert found.totals_from == "rows"
    assert [t.description for t in found.transactions] == ["Groceries", "Taxi", "Cinema"]
    assert all(t.kind is TxKind.EXPENSE for t in found.transactions)
    # ann: +30 -10 -3.33|3.34 -8; bob: +10 -10 -3.33|3.34; cy: +16 -10 -3.33|3.34 -8
    assert sum(found.totals.values()) == 0
    assert found.totals == balances(found)
    assert found.totals["ann", "EUR"] in (867, 866)
    assert any("every member named in the file: ann, bob, cy" in n for n in found.notes)


def test_every_sample_file_reads_and_reconciles() -> None:
    for path in sorted(SAMPLES.glob("*.csv")):
        mapping = path.with_suffix(".map")
        found = read(path.read_bytes(), str(mapping))
        assert found.transactions, path.name
        assert found.totals == balances(found), path.name


def test_a_bank_statement_with_a_constant_payer_and_negative_spending() -> None:
    statement = (
        "Booking date;Text;Amount;Balance\n"
        "02.03.2026;Supermarket;-45,60;954,40\n"
        "03.03.2026;Refund shop;12,00;966,40\n"
        "04.03.2026;Salary;0,00;966,40\n"
        "05.03.2026;Rent;-1.200,00;-233,60\n"
    )
    found = read(
        statement,
        "date=Booking date,amount=Amount,description=Text,payer==ann,currency==EUR,"
        "members=ann;bob,delimiter=semicolon,decimal=comma,sign=negative",
    )
    assert found.members == ("ann", "bob")
    assert found.no_effect == 1  # the zero row
    assert len(found.transactions) == 3
    # spent 45.60 + 1200.00, refunded 12.00, shared by two: bob owes half of 1233.60
    assert found.totals == {("ann", "EUR"): 61680, ("bob", "EUR"): -61680}
    assert balances(found) == found.totals
    assert any("refund" in n for n in found.notes)


def test_debit_and_credit_columns() -> None:
    statement = (
        "Date,Payee,Debit,Credit\n"
        "2026-03-01,Shop,-20.00,\n"  # a bank that writes debits negative: the sign is ignored
        "2026-03-02,Refund,,4.00\n"
    )
    found = read(
        statement,
        "date=Date,debit=Debit,credit=Credit,payer==ann,participants==ann;bob,currency==EUR,"
        "description=Payee",
    )
    assert found.totals == {("ann", "EUR"): 800, ("bob", "EUR"): -800}
    both_blank = "Date,Payee,Debit,Credit\n2026-03-01,Shop,,\n"
    message = refused(
        both_blank, "date=Date,debit=Debit,credit=Credit,payer==ann,currency==EUR,members=ann;bob"
    )
    assert "row 2" in message
    assert "'Debit' and 'Credit': is empty" in message


def test_a_split_column_of_weights() -> None:
    sheet = "Date,Amount,Payer,Weights\n2026-03-01,40.00,ann,ann=1;bob=3\n2026-03-02,9.00,bob,\n"
    found = read(
        sheet,
        "date=Date,amount=Amount,payer=Payer,split=Weights,currency==EUR,members=ann;bob",
    )
    # row 1: ann +40 -10, bob -30; row 2 (blank split: every member equally): bob +9, -4.50 each
    assert found.totals == {("ann", "EUR"): 2550, ("bob", "EUR"): -2550}
    bad = "Date,Amount,Payer,Weights\n2026-03-01,40.00,ann,ann=0;bob=0\n"
    message = refused(
        bad, "date=Date,amount=Amount,payer=Payer,split=Weights,currency==EUR,members=ann;bob"
    )
    assert message.startswith("row 2, column 'Weights'")


@pytest.mark.parametrize(
    ("cell", "fmt", "day"),
    [
        ("2026-03-04", None, dt.date(2026, 3, 4)),
        ("2026-03-04T18:30:00+01:00", None, dt.date(2026, 3, 4)),
        ("2026-03-04 18:30", None, dt.date(2026, 3, 4)),
        ("2026/3/4", None, dt.date(2026, 3, 4)),
        ("4.3.2026", None, dt.date(2026, 3, 4)),
        ("04/03/2026", "DD/MM/YYYY", dt.date(2026, 3, 4)),
        ("03/04/2026", "MM/DD/YYYY", dt.date(2026, 3, 4)),
        ("2026 03 04", "YYYY MM DD", dt.date(2026, 3, 4)),
    ],
)
def test_dates_in_the_documented_order_or_the_given_format(
    cell: str, fmt: str | None, day: dt.date
) -> None:
    spec = generic_csv.check_mapping(
        {"date": "D", "amount": "A", "payer": "=ann", **({"date_format": fmt} if fmt else {})}
    )
    assert generic_csv.read_date(cell, spec.date_format, 2, "D") == day


@pytest.mark.parametrize(
    ("cell", "fmt", "said"),
    [
        ("04/03/2026", None, "could be day/month or month/day: give date_format=DD/MM/YYYY"),
        ("04-03-2026", None, "could be day/month or month/day"),
        ("13/04/2026", None, "could be day/month"),  # never guessed, even when it could be
        ("2026-02-30", None, "is not a day of the calendar"),
        ("1969-12-31", None, "outside the supported range"),
        ("26-03-04", None, "is not a date"),
        ("March 4", None, "is not a date"),
        ("2026-03-04", "DD/MM/YYYY", "is not a date written DD/MM/YYYY"),
    ],
)
def test_ambiguous_and_bad_dates_are_refused_naming_row_and_column(
    cell: str, fmt: str | None, said: str
) -> None:
    extra = f",date_format={fmt}" if fmt else ""
    message = refused(
        f"When,Cost\n{cell},1.00\n",
        f"date=When,amount=Cost,payer==ann,participants==ann;bob,currency==EUR{extra}",
    )
    assert message.startswith("row 2, column 'When'")
    assert said in message


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("", "is empty"),
        ("  ", "is empty"),
        ("1.001", "2 decimal"),
        ("1e3", "scientific notation"),
        ("NaN", "NaN"),
        ("12.50 EUR", "not an amount"),
        ("1 000", "not an amount"),
        ("0.1" + "0" * 50, "decimal"),
        ("99999999999999999999999", "too large"),
    ],
)
def test_bad_amounts_are_refused_naming_row_and_column(cell: str, said: str) -> None:
    message = refused(
        f"When,Cost\n2026-03-01,{cell}\n",
        "date=When,amount=Cost,payer==ann,participants==ann;bob,currency==EUR",
    )
    assert message.startswith("row 2, column 'Cost'")
    assert said in message


def test_amounts_are_exact_and_grouped_thousands_read() -> None:
    found = read(
        'When,Cost\n2026-03-01,"1,234.56"\n2026-03-02,0.10\n2026-03-03,0.20\n',
        "date=When,amount=Cost,payer==ann,participants==bob,currency==EUR",
    )
    assert found.totals == {("ann", "EUR"): 123486, ("bob", "EUR"): -123486}
    yen = read(
        "When,Cost\n2026-03-01,1000\n",
        "date=When,amount=Cost,payer==ann,participants==bob,currency==JPY",
    )
    assert yen.totals == {("ann", "JPY"): 1000, ("bob", "JPY"): -1000}


def test_members_given_are_the_only_names_and_match_as_they_read() -> None:
    mapping = SHEET_MAP + ",members=Ann;Bob;Cy"
    found = read(SHEET, mapping)
    assert found.members == ("Ann", "Bob", "Cy")  # cells 'ann' are the member 'Ann'
    message = refused(SHEET.replace("bob,,EUR", "zed,,EUR"), mapping)
    assert message.startswith("row 3, column 'Paid by'")
    assert "'zed' is not one of the members given in --map (Ann, Bob, Cy)" in message


def test_names_that_read_the_same_but_are_spelled_otherwise_are_refused() -> None:
    message = refused(SHEET.replace("cy,ann;cy", "Ann,\u0430nn;cy"))
    assert message.startswith("row 4, column 'Paid by'")
    assert "reads the same as 'ann' (row 2)" in message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("\x1b[31mred", "control character U+001B"),
        ("evil\u202etxt", "U+202E"),
        ("a" * 501, "at most 500"),
    ],
)
def test_hostile_descriptions_are_refused_naming_row_and_column(text: str, said: str) -> None:
    message = refused(SHEET.replace("Taxi", text))
    assert message.startswith("row 3, column 'Description'")
    assert said in message


@pytest.mark.parametrize(
    ("name", "said"),
    [("\x1b[2Jann", "U+001B"), ("bob\u202e", "U+202E"), ("n" * 101, "at most 100"),
     ("exchange:EUR-USD", "reserved")],
)  # fmt: skip
def test_hostile_names_are_refused(name: str, said: str) -> None:
    message = refused(SHEET.replace("bob,,EUR", f"{name},,EUR"))
    assert message.startswith("row 3, column 'Paid by'")
    assert said in message


def test_markup_is_kept_as_plain_text() -> None:
    found = read(SHEET.replace("Taxi", "[bold]x[/]").replace("bob,,EUR", "[red]bob[/],,EUR"))
    assert found.transactions[1].description == "[bold]x[/]"
    assert "[red]bob[/]" in found.members


def test_keys_are_stable_unique_and_survive_a_longer_file_and_moved_columns() -> None:
    doubled = SHEET + "2026-03-03,Cinema,16.00,cy,ann;cy,EUR\n"
    first = [t.idempotency_key for t in read(doubled).transactions]
    assert len(set(first)) == len(first) == 4  # two identical cinemas stay two
    assert all(k.startswith("csv:") for k in first)
    assert first == [t.idempotency_key for t in read(doubled).transactions]
    longer = doubled + "2026-03-09,Pizza,12.00,ann,ann;bob,EUR\n"
    assert [t.idempotency_key for t in read(longer).transactions][:4] == first
    lines = [line.split(",") for line in doubled.splitlines()]
    moved = "".join(",".join([c[5], *c[:5]]) + "\n" for c in lines)
    assert [t.idempotency_key for t in read(moved).transactions] == first


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ("dat=Date", "unknown field 'dat'"),
        ("amount=Cost,payer==ann,currency==EUR", "date: is needed"),
        ("date=Date,payer==ann", "amount: is needed"),
        ("date=Date,amount=Cost,currency==EUR", "payer: is needed"),
        ("date==2026-01-01,amount=Cost,payer==ann", "date: needs a column"),
        ("date=Date,amount=Cost,debit=Out,payer==ann", "not both"),
        ("date=Date,amount=Cost,payer==ann,date_format=DD/MM/YY", "not a date format"),
        ("date=Date,amount=Cost,payer==ann,sign=up", "'up' is not one of positive, negative"),
        ("date=Date,amount=Cost,payer==ann,currency==EURO", "currency"),
        ("date=Date,amount=Cost,payer==\x1b[2J", "U+001B"),
        ("date=Da\u202ete,amount=Cost,payer==ann", "U+202E"),
        ("date=Date,amount=Cost,payer==ann,members=ann;Ann", "listed twice"),
        ("date=Date,amount=Cost,payer==ann,skip=x", "not a whole number"),
        ("date=Date,amount=Cost,payer==ann,date=Other", "given twice"),
        ("date=Date,amount", "is not FIELD=COLUMN"),
        ("date=,amount=Cost", "is not FIELD=COLUMN"),
    ],
)
def test_bad_mappings_are_refused_on_the_map_field(mapping: str, said: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mapping(mapping)
    assert caught.value.field == "map"
    message = str(caught.value)
    assert message.startswith("map: ")
    assert said in message
    assert "\x1b" not in message
    assert "\u202e" not in message


def test_a_mapping_file_with_comments_and_constants(tmp_path: Path) -> None:
    path = tmp_path / "bank.map"
    path.write_text(
        "# my bank's export\n"
        "date = Booking date\n"
        "amount = Amount, in EUR\n"  # a column name with a comma: only a file can say it
        "\n"
        "payer == ann\n"
        "participants == ann; bob\n"
        "currency == EUR\n"
        "sign = negative\n"
    )
    mapping = parse_mapping(str(path))
    assert mapping["amount"] == "Amount, in EUR"
    assert mapping["payer"] == "= ann"
    found = read('Booking date,"Amount, in EUR"\n2026-03-01,-10.00\n', str(path))
    assert found.totals == {("ann", "EUR"): 500, ("bob", "EUR"): -500}
    path.write_text("date = Date\nnonsense\n")
    with pytest.raises(InvalidInput, match="line 2: 'nonsense' is not FIELD=COLUMN"):
        parse_mapping(str(path))
    with pytest.raises(InvalidInput, match="cannot read"):
        parse_mapping(str(tmp_path / "missing.map"))


def test_the_header_must_have_the_mapped_columns() -> None:
    message = refused(SHEET, SHEET_MAP.replace("Paid by", "Payer"))
    assert message.startswith("row 1: map: no column 'Payer' in the header")
    assert "'Paid by'" in message
    # case does not matter when only one column matches
    assert read(SHEET, SHEET_MAP.replace("Paid by", "paid BY")).totals == read(SHEET).totals


def test_skip_lines_before_the_header_and_blank_rows() -> None:
    spaced = SHEET.replace("\n2026-03-02", "\n\n2026-03-02")
    found = read("Account 123\nExported 2026-03-09\n" + spaced, SHEET_MAP + ",skip=2")
    assert len(found.transactions) == 3


def test_flags_of_other_formats_and_a_missing_mapping_are_refused() -> None:
    with pytest.raises(FormatError, match="--unbalanced-to is for Splitwise"):
        read(SHEET, unbalanced_to="Former")
    with pytest.raises(FormatError, match="--no-footer"):
        read(SHEET, no_footer=True)
    with pytest.raises(FormatError, match="needs --map"):
        generic_csv.read(SHEET.encode(), ReadOptions())
    no_currency = SHEET_MAP.replace(",currency=Currency", "")
    assert "or --currency" in refused(SHEET, no_currency)
    assert read(SHEET, no_currency, currency="usd").currency == "USD"


def test_too_many_cells_and_broken_quoting_name_the_row() -> None:
    assert refused(SHEET + "2026-03-04,X,1.00,ann,ann,EUR,extra\n").startswith("row 5: has 7")
    assert refused(SHEET + '2026-03-04,"X,1.00,ann,ann,EUR\n').startswith("row 5")


NAMES = st.sampled_from(["ann", "bob", "cy", "dee"])


@st.composite
def sheets(draw: st.DrawFn) -> str:
    lines = ["Date,Amount,Payer,For,Currency"]
    for _ in range(draw(st.integers(1, 12))):
        # (one cent split two ways may land on the payer: a row that changes nothing)
        amount = Decimal(draw(st.integers(-50_000, 50_000).filter(lambda n: abs(n) != 1))) / 100
        payer = draw(NAMES)
        who = draw(st.lists(NAMES, unique=True, max_size=4))
        currency = draw(st.sampled_from(["EUR", "USD"]))
        day = f"2026-01-{draw(st.integers(1, 28)):02d}"
        lines.append(f"{day},{amount},{payer},{';'.join(who)},{currency}")
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None)
@given(sheets())
def test_the_cells_sums_equal_the_transactions_and_each_row_balances(sheet: str) -> None:
    """The reconciliation's two sides agree for any sheet: what the cells say (payer
    +amount, participants −share) and what the transactions post; each currency sums
    to zero, and what payers paid is what the amount cells say."""
    found = read(sheet, "date=Date,amount=Amount,payer=Payer,participants=For,currency=Currency")
    assert found.totals == balances(found)
    for currency in ("EUR", "USD"):
        assert sum(v for (_, c), v in found.totals.items() if c == currency) == 0
    rows = [line.split(",") for line in sheet.splitlines()[1:]]
    assert len(found.transactions) + found.no_effect == len(rows)
    paid: dict[tuple[str, str], int] = defaultdict(int)
    for _, amount, payer, who, currency in rows:
        others = set(who.split(";") if who else found.members) - {payer}
        if others:
            paid[payer, currency] += int(Decimal(amount) * 100)
    gross: dict[tuple[str, str], int] = defaultdict(int)
    for tx in found.transactions:
        first = tx.postings[0]  # the payer's, +amount (-amount for a refund)
        gross[first.account, first.currency] += first.minor
    assert {k: v for k, v in gross.items() if v} == {k: v for k, v in paid.items() if v}
    again = read(sheet, "date=Date,amount=Amount,payer=Payer,participants=For,currency=Currency")
    assert [t.idempotency_key for t in again.transactions] == [
        t.idempotency_key for t in found.transactions
    ]
