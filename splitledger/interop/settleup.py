"""Settle Up's CSV export, read into balanced transactions.

The export is one table, UTF-8 or UTF-16 with a byte-order mark (comma- or
tab-separated): `Who paid`, `Amount`, `Currency`, `For whom`, `Split amounts`,
`Purpose`, `Category`, `Date & time`, `Exchange rate`, `Converted amount`, `Type`,
`Receipt`. Columns are found by their headings, in any order; unknown ones are ignored.

`Who paid` and `Amount` are parallel `;` lists (several payers, each with what they
paid), as are `For whom` and `Split amounts` (each member's exact share). The shares
must add up to what was paid, to the cent, or the row is refused naming `Split
amounts`. A row is booked in its own `Currency`, unconverted; when it carries an
`Exchange rate` and a `Converted amount`, the two are checked against each other
(either way round, to within half a cent) and a row where they disagree is refused
naming `Converted amount`. A row is posted gross, as a typed expense is (each payer
+paid, each member -their share, both for one who is both: `gross`), so that reports
count all of it; `Type` `transfer` between two members is a payment.

Settle Up writes no balances, so the import reconciles against the per-member sums of
the cells (`totals_from="rows"`), kept apart from the transactions built.
"""

from __future__ import annotations

from collections import Counter

from splitledger.domain import Transaction
from splitledger.interop import gross
from splitledger.interop.cells import amount_cell, blank, refuse_lookalikes, row_cells, text_cell
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.interop.peers import (
    MAX_CATEGORY,
    MAX_DESCRIPTION,
    MAX_ROWS,
    Keys,
    Sums,
    csv_rows,
    currency_cell,
    day_cell,
    decimal_cell,
    header_row,
    main_currency,
    member_name,
    money,
    rate_matches,
)
from splitledger.interop.text import decode

KEY_PREFIX = "settleup:"
HEADINGS = {
    "payers": "who paid",
    "amounts": "amount",
    "currency": "currency",
    "members": "for whom",
    "shares": "split amounts",
    "purpose": "purpose",
    "category": "category",
    "date": "date & time",
    "rate": "exchange rate",
    "converted": "converted amount",
    "type": "type",
}
REQUIRED = ("payers", "amounts", "currency", "members", "shares", "date")
TRANSFER = "transfer"


def _delimiter(first_line: str) -> str:
    return "\t" if "\t" in first_line and "who paid" in first_line.lower() else ","


def detect(head: str) -> bool:
    """The first line has `Who paid` and `For whom` columns (cells, not words in a
    line: a spreadsheet's comment may say them)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
    delimiter = "\t" if "\t" in first else ","
    cells = {" ".join(c.strip().strip('"').split()) for c in first.split(delimiter)}
    return {"who paid", "for whom"} <= cells


def _fields(header: list[str]) -> dict[str, int]:
    fields: dict[str, int] = {}
    wanted = {h: f for f, h in HEADINGS.items()}
    for index, raw in enumerate(header):
        heading = " ".join(raw.split()).lower()
        field = wanted.get(heading) or wanted.get(heading.partition("(")[0].strip())
        if field is not None:
            if field in fields:
                raise FormatError("this column appears twice", row=1, column=raw.strip())
            fields[field] = index
    missing = [HEADINGS[f] for f in REQUIRED if f not in fields]
    if missing:
        raise FormatError(
            f"no {', '.join(repr(m.capitalize()) for m in missing)} column: a Settle Up export "
            "has Who paid, Amount, Currency, For whom, Split amounts, Purpose, Date & time",
            row=1,
        )
    return fields


def _pairs(
    names_cell: str, amounts_cell: str, currency: str, row: int, columns: tuple[str, str]
) -> dict[str, int]:
    """Parallel `;` lists as {member: amount}; a name listed twice adds up."""
    names = [n for n in names_cell.split(";")]
    amounts = [a for a in amounts_cell.split(";")]
    if names_cell.strip() == "":
        raise FormatError("is empty", row=row, column=columns[0])
    if len(names) != len(amounts):
        raise FormatError(
            f"lists {len(amounts)} amount(s) for the {len(names)} name(s) of "
            f"{columns[0]!r}: the two lists are parallel",
            row=row,
            column=columns[1],
        )
    result: dict[str, int] = {}
    for name_text, amount_text in zip(names, amounts, strict=True):
        name = member_name(name_text, row=row, column=columns[0])
        value = amount_cell(amount_text, currency, row, columns[1])
        if value < 0:
            raise FormatError(
                f"{money(value, currency)} is negative: Settle Up writes amounts positive",
                row=row,
                column=columns[1],
            )
        result[name] = result.get(name, 0) + value
    return result


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Read a Settle Up CSV export; FormatError names the row and column."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    rows = csv_rows(text, _delimiter(text.split("\n", 1)[0]))
    header = header_row(rows)
    fields = _fields(header)
    width = len(header)
    keys = Keys(KEY_PREFIX)
    sums = Sums()
    members: list[str] = []
    counts: Counter[str] = Counter()
    transactions: list[Transaction] = []
    no_effect = 0
    for row, cells in rows:
        if blank(cells):
            continue
        if len(transactions) + no_effect >= MAX_ROWS:
            raise FormatError(f"more than {MAX_ROWS} rows; split the file", row=row)
        row_cells(cells, width, row)
        tx, currency = _row(fields, header, cells, row, keys, sums, members)
        counts[currency] += 1
        if tx is None:
            no_effect += 1
        else:
            transactions.append(tx)
        if options.progress is not None and (len(transactions) + no_effect) % 1000 == 0:
            options.progress(len(transactions) + no_effect)
    refuse_lookalikes(members, members)
    return ImportedFile(
        format="settleup",
        members=tuple(members),
        currency=main_currency(counts) or options.currency,
        transactions=transactions,
        totals=sums.result(),
        totals_from="rows",
        no_effect=no_effect,
    )


def _row(
    fields: dict[str, int],
    header: list[str],
    cells: list[str],
    row: int,
    keys: Keys,
    sums: Sums,
    members: list[str],
) -> tuple[Transaction | None, str]:
    def cell(field: str) -> str:
        return cells[fields[field]] if field in fields else ""

    def named(field: str) -> str:
        return " ".join(header[fields[field]].split())

    date = day_cell(cell("date"), row=row, column=named("date"))
    currency = currency_cell(cell("currency"), row=row, column=named("currency"))
    purpose = text_cell(
        cell("purpose"), row=row, column="Purpose", max_length=MAX_DESCRIPTION, required=False
    )
    category = text_cell(
        cell("category"), row=row, column="Category", max_length=MAX_CATEGORY, required=False
    )
    kind = " ".join(cell("type").split()).lower()
    paid = _pairs(
        cell("payers"), cell("amounts"), currency, row, (named("payers"), named("amounts"))
    )
    shares = _pairs(
        cell("members"), cell("shares"), currency, row, (named("members"), named("shares"))
    )
    total = sum(paid.values())
    if sum(shares.values()) != total:
        raise FormatError(
            f"the shares add up to {money(sum(shares.values()), currency)}, not the "
            f"{money(total, currency)} paid: they must be exact",
            row=row,
            column=named("shares"),
        )
    if "rate" in fields and "converted" in fields and cell("converted").strip():
        rate_text = cell("rate").strip()
        if rate_text:
            rate = decimal_cell(rate_text, row=row, column=named("rate"))
            target = _converted_currency(header[fields["converted"]])
            if target is not None and target != currency:
                converted = abs(amount_cell(cell("converted"), target, row, named("converted")))
                if not rate_matches(total, currency, rate, converted, target):
                    raise FormatError(
                        f"{money(total, currency)} at {rate} is not {money(converted, target)}",
                        row=row,
                        column=named("converted"),
                    )
    for name in (*paid, *shares):
        if name not in members:
            members.append(name)
    for name, value in paid.items():
        sums.add(name, currency, value, row=row)
    for name, value in shares.items():
        sums.add(name, currency, -value, row=row)
    key = keys.key(
        [
            date.isoformat(),
            " ".join(cell("purpose").split()),
            kind,
            currency,
            sorted(paid.items()),
            sorted(shares.items()),
        ]
    )
    tx = gross.bill(
        paid,
        shares,
        sign=1,
        currency=currency,
        payment=kind == TRANSFER,
        row=row,
        date=date,
        description=purpose,
        category=category,
        key=key,
    )
    return tx, currency


def _converted_currency(heading: str) -> str | None:
    """The currency a `Converted amount (EUR)` heading names, if any."""
    inside = heading.partition("(")[2].partition(")")[0].strip()
    if len(inside) == 3 and inside.isalpha():
        return inside.upper()
    return None
