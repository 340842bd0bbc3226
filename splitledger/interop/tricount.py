"""Tricount's CSV export, read into balanced transactions.

The export is one table: `Title`, `Amount`, `Currency`, `Exchange rate`, `Amount in
default currency (EUR)`, `Transaction type`, `Category`, `Paid by`, `Date & time`, then
one `Paid by <Name>` column and one `Impacted to <Name>` column per member, and a
closing `Exported on …` line. French exports (`Titre`, `Montant`, `Devise`, `Payé par`,
`Impacté à <Nom>`, `Exporté le`) are read too. Columns are found by their headings, in
any order; unknown columns (`Attachment`) are ignored.

Each row's `Impacted to` cells are the members' exact shares and its `Paid by <Name>`
cells what each paid (when a file has none, the `Paid by` member paid it all). The
cells are read without their sign (Tricount writes expenses negative in some versions)
and must add up exactly:
- to the row's `Amount`: the row is booked in its own `Currency`, unconverted; or
- for a row in another currency, to its `Amount in default currency`: the row is booked
  in the default currency, as the cells say.
The conversion is checked, never computed: `Amount` × `Exchange rate` (read either way)
must give the default-currency amount to within half a cent, or the row is refused
naming the `Exchange rate` column. Cells that add up to neither are refused naming the
column. A row is posted gross, as a typed expense is (each payer +paid, each member
impacted -their share, both for one who is both: `gross`), so that reports count all
of it. An `Income` row (money the group received) is booked the other way round; a
`Money transfer` (`Balance`, `Reimbursement`) between two members is a payment.

Tricount writes no balances, so the import reconciles against the per-member sums of
the cells (`totals_from="rows"`), kept apart from the transactions built.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from splitledger.domain import Transaction
from splitledger.interop import gross
from splitledger.interop.cells import (
    ZERO_CELLS,
    amount_cell,
    blank,
    refuse_lookalikes,
    row_cells,
    text_cell,
)
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

KEY_PREFIX = "tricount:"
#: Each field's headings, lower-cased: English, then French.
HEADINGS = {
    "title": ("title", "description", "titre"),
    "amount": ("amount", "montant"),
    "currency": ("currency", "devise"),
    "rate": ("exchange rate", "taux de change"),
    "type": ("transaction type", "type de transaction", "type"),
    "category": ("category", "catégorie"),
    "payer": ("paid by", "payé par"),
    "date": ("date & time", "date & heure", "date"),
}
PAID_PREFIXES = ("paid by ", "payé par ")
IMPACTED_PREFIXES = ("impacted to ", "impacté à ")
_DEFAULT = re.compile(
    r"(?:amount in default currency|montant dans la devise par défaut)\s*"
    r"\(\s*([^)]*)\)",
    re.IGNORECASE,
)
TRAILERS = ("exported on", "exporté le")
INCOME = frozenset({"income", "revenu", "revenus"})
TRANSFER = frozenset(
    {
        "money transfer",
        "transfer",
        "balance",
        "reimbursement",
        "transfert d'argent",
        "remboursement",
    }
)
REQUIRED = ("amount", "currency", "payer")


@dataclass(frozen=True, slots=True)
class _Layout:
    fields: dict[str, int]
    #: column index of the default-currency amount, and the default currency's code
    default: tuple[int, str] | None
    paid: dict[str, int]
    impacted: dict[str, int]
    members: tuple[str, ...]
    width: int


def _strip_prefix(heading: str, prefixes: tuple[str, ...]) -> str | None:
    low = heading.lower()
    for prefix in prefixes:
        if low.startswith(prefix) and len(heading) > len(prefix):
            return heading[len(prefix) :]
    return None


def detect(head: str) -> bool:
    """The first line has a `Paid by` column and `Impacted to <Name>` columns."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
    return any(p.strip() in first for p in IMPACTED_PREFIXES) and any(
        p.strip() in first for p in PAID_PREFIXES
    )


def _layout(header: list[str]) -> _Layout:
    fields: dict[str, int] = {}
    default: tuple[int, str] | None = None
    paid: dict[str, int] = {}
    impacted: dict[str, int] = {}
    names: list[str] = []
    columns: list[str] = []
    for index, raw in enumerate(header):
        heading = " ".join(raw.split())
        low = heading.lower()
        field = next((f for f, hs in HEADINGS.items() if low in hs), None)
        if field is not None:
            if field in fields:
                raise FormatError("this column appears twice", row=1, column=heading)
            fields[field] = index
            continue
        found = _DEFAULT.fullmatch(heading)
        if found is not None:
            default = (index, currency_cell(found.group(1), row=1, column=heading))
            continue
        for prefixes, table in ((PAID_PREFIXES, paid), (IMPACTED_PREFIXES, impacted)):
            rest = _strip_prefix(raw.strip(), prefixes)
            if rest is not None:
                name = member_name(rest, row=1, column=heading[:120])
                if name in table:
                    raise FormatError("this column appears twice", row=1, column=heading)
                table[name] = index
                if name not in names:
                    names.append(name)
                    columns.append(heading)
                break
    for field in REQUIRED:
        if field not in fields:
            raise FormatError(
                f"no {HEADINGS[field][0].capitalize()!r} column: a Tricount export has "
                "Title, Amount, Currency, Paid by, Date & time and one 'Impacted to <Name>' "
                "column per member",
                row=1,
            )
    if not impacted:
        raise FormatError("no 'Impacted to <Name>' columns: who shared the bills?", row=1)
    refuse_lookalikes(names, columns)
    return _Layout(fields, default, paid, impacted, tuple(names), len(header))


def _cells(
    columns: dict[str, int], cells: list[str], currency: str, row: int, header: list[str]
) -> dict[str, int]:
    """Each member's cell in `columns`, unsigned; mixed signs in one row are refused."""
    values: dict[str, int] = {}
    signs: set[bool] = set()
    for name, index in columns.items():
        cell = cells[index]
        if cell in ZERO_CELLS or not cell.strip():
            continue
        value = amount_cell(cell, currency, row, header[index].strip())
        if value:
            signs.add(value > 0)
            if len(signs) > 1:
                raise FormatError(
                    "has the other sign from the row's other cells of its kind",
                    row=row,
                    column=header[index].strip(),
                )
            values[name] = abs(value)
    return values


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Read a Tricount CSV export; FormatError names the row and column."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    rows = csv_rows(text)
    header = header_row(rows)
    layout = _layout(header)
    keys = Keys(KEY_PREFIX)
    sums = Sums()
    counts: Counter[str] = Counter()
    transactions: list[Transaction] = []
    no_effect = 0
    trailer: int | None = None
    for row, cells in rows:
        if blank(cells):
            continue
        first = cells[0].strip().lower()
        if trailer is not None:
            raise FormatError(
                f"a row after the closing line of row {trailer}: is this two exports in one?",
                row=row,
            )
        if first.startswith(TRAILERS):
            trailer = row
            continue
        if len(transactions) + no_effect >= MAX_ROWS:
            raise FormatError(f"more than {MAX_ROWS} rows; split the file", row=row)
        row_cells(cells, layout.width, row)
        tx, currency = _row(layout, header, cells, row, keys, sums)
        counts[currency] += 1
        if tx is None:
            no_effect += 1
        else:
            transactions.append(tx)
        if options.progress is not None and (len(transactions) + no_effect) % 1000 == 0:
            options.progress(len(transactions) + no_effect)
    notes = (
        ()
        if trailer is not None
        else ("no 'Exported on' line at the end: the file may be cut short",)
    )
    group_currency = layout.default[1] if layout.default else main_currency(counts)
    return ImportedFile(
        format="tricount",
        members=layout.members,
        currency=group_currency or options.currency,
        transactions=transactions,
        totals=sums.result(),
        totals_from="rows",
        no_effect=no_effect,
        notes=notes,
    )


def _try(
    columns: dict[str, int], cells: list[str], currency: str, row: int, header: list[str]
) -> dict[str, int] | None:
    """`_cells`, or None when a cell cannot be read in `currency`."""
    try:
        return _cells(columns, cells, currency, row, header)
    except FormatError:
        return None


def _column(header: list[str], index: int) -> str:
    return " ".join(header[index].split())[:120]


def _row(
    layout: _Layout, header: list[str], cells: list[str], row: int, keys: Keys, sums: Sums
) -> tuple[Transaction | None, str]:
    """One row: its transaction (None when it changes no balance) and its currency."""
    f = layout.fields

    def cell(field: str) -> str:
        return cells[f[field]] if field in f else ""

    def named(field: str) -> str:
        return _column(header, f[field])

    date = day_cell(cell("date"), row=row, column=named("date")) if "date" in f else None
    if date is None:
        raise FormatError("the file has no 'Date & time' column", row=1)
    title = text_cell(
        cell("title"), row=row, column="Title", max_length=MAX_DESCRIPTION, required=False
    )
    category = text_cell(
        cell("category"), row=row, column="Category", max_length=MAX_CATEGORY, required=False
    )
    kind = " ".join(cell("type").split()).lower()
    currency = currency_cell(cell("currency"), row=row, column=named("currency"))
    amount = abs(amount_cell(cell("amount"), currency, row, named("amount")))
    booked, total = currency, amount
    impacted = _try(layout.impacted, cells, currency, row, header)
    if layout.default is not None and currency != layout.default[1]:
        index, default = layout.default
        converted = abs(amount_cell(cells[index], default, row, _column(header, index)))
        if "rate" in f and cell("rate").strip():
            rate = decimal_cell(cell("rate"), row=row, column=named("rate"))
            if not rate_matches(amount, currency, rate, converted, default):
                raise FormatError(
                    f"{money(amount, currency)} at {rate} is not the "
                    f"{money(converted, default)} of {_column(header, index)!r}",
                    row=row,
                    column=named("rate"),
                )
        if impacted is None or sum(impacted.values()) != amount:
            in_default = _try(layout.impacted, cells, default, row, header)
            if in_default is not None and sum(in_default.values()) == converted:
                booked, total, impacted = default, converted, in_default
    if impacted is None:  # refused in the row's own currency, naming the cell
        impacted = _cells(layout.impacted, cells, currency, row, header)
    paid = _cells(layout.paid, cells, booked, row, header)
    if not paid and total:
        payer = member_name(cell("payer"), row=row, column=named("payer"))
        if payer not in layout.members:
            raise FormatError(
                f"{payer!r} has no 'Impacted to' column", row=row, column=named("payer")
            )
        paid = {payer: total}
    for what, values, columns in (
        ("Impacted to", impacted, layout.impacted),
        ("Paid by", paid, layout.paid),
    ):
        if sum(values.values()) != total:
            column = next(iter(columns), None)
            raise FormatError(
                f"the {what!r} cells add up to {money(sum(values.values()), booked)}, not "
                f"the row's {money(total, booked)}: the shares must be exact",
                row=row,
                column=_column(header, columns[column]) if column else named("payer"),
            )
    sign = -1 if kind in INCOME else 1
    for name, value in paid.items():
        sums.add(name, booked, sign * value, row=row)
    for name, value in impacted.items():
        sums.add(name, booked, -sign * value, row=row)
    key = keys.key(
        [
            date.isoformat(),
            " ".join(cell("title").split()),
            kind,
            booked,
            total,
            sorted(paid.items()),
            sorted(impacted.items()),
        ]
    )
    tx = gross.bill(
        paid,
        impacted,
        sign=sign,
        currency=booked,
        payment=kind in TRANSFER,
        row=row,
        date=date,
        description=title,
        category=category,
        key=key,
    )
    return tx, booked
