"""Nextcloud Cospend's project export (CSV), read into balanced transactions.

The export is sectioned: blank lines separate tables, each with its own header line —
members (`name,weight,active,color`), bills (`what,amount,date,timestamp,payer_name,
payer_weight,payer_active,owers,repeat,…,categoryid,paymentmode,…,comment[,deleted]`),
then, when the project has them, categories (`categoryname,categoryid,…`), payment
modes and currencies (`currencyname,exchange_rate`, the main currency first with rate
1). Older exports (and MoneyBuster's) have no members table: each member appears as the
payer and only ower of a bill of 1 (`deleteMeIfYouWant`), which changes no balance.

A bill is paid by one member and owed by its owers (names in one cell, comma-separated)
in proportion to their weights: each ower's share is the exact quota amount × weight /
the owers' weights, rounded by the ledger's allocation (the odd cent rotates, seeded by
the row's key; docs/adr/0003). The bill is posted gross, as a typed expense is (a payer
who is also an ower has both postings: `gross`), so that reports count all of it.
Amounts are in the project's main currency (the other currencies only help typing).
Inactive members keep their history and stay members.
Bills in the trash (`deleted` = 1) are left out and counted in a note; `comment` is
URL-decoded and kept as the transaction's note under the input policy. A bill of the
Reimbursement category (-11) between two members is a payment.

Cospend writes no balances into the project export, so the import reconciles against
the sums of the file's cells (`totals_from="rows"`): what each member paid, less their
weighted shares, summed apart from the transactions built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import unquote_plus

from splitledger.domain import DomainError, Shares, Transaction, compute_shares, seed_from_key
from splitledger.interop import gross
from splitledger.interop.cells import amount_cell, blank, quote, refuse_lookalikes, text_cell
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.interop.peers import (
    MAX_CATEGORY,
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_ROWS,
    Keys,
    Sums,
    csv_rows,
    currency_cell,
    day_cell,
    decimal_cell,
    member_name,
)
from splitledger.interop.text import decode

KEY_PREFIX = "cospend:"
MEMBERS = ("name", "weight", "active")
BILLS = ("what", "amount", "date", "timestamp", "payer_name")
REIMBURSEMENT = "-11"
#: Cospend's built-in categories (negative ids), as the app names them.
BUILT_IN = {"-11": "Reimbursement", "-12": "Shopping", "-13": "Restaurant"}


def _header(cells: list[str]) -> list[str]:
    return [c.strip().lower() for c in cells]


def detect(head: str) -> bool:
    """The first line is Cospend's members header or its bills header."""
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            first = _header(line.split(","))
            return tuple(first[:3]) == MEMBERS or tuple(first[:5]) == BILLS
    return False


def _kind(header: list[str]) -> str:
    if tuple(header[:3]) == MEMBERS:
        return "members"
    return "bills" if tuple(header[:5]) == BILLS else header[0]


Event = tuple[str, int, list[str], int, list[str]]


def _tables(text: str) -> Iterator[Event]:
    """(table kind, header row, header, row, cells) of each data row of the blank-line
    separated tables, streamed; a table's header itself comes as row 0 with no cells."""
    header: list[str] | None = None
    kind, start = "", 0
    for row, cells in csv_rows(text):
        if blank(cells):
            header = None
        elif header is None:
            header, start = _header(cells), row
            kind = _kind(header)
            yield kind, start, header, 0, []
        else:
            yield kind, start, header, row, cells


def _cells(header: list[str], cells: list[str], row: int) -> dict[str, str]:
    while len(cells) > len(header) and not cells[-1].strip():
        cells.pop()
    if len(cells) != len(header):
        raise FormatError(f"has {len(cells)} cells but its header has {len(header)}", row=row)
    return dict(zip(header, cells, strict=True))


def _weight(text: str, row: int, column: str) -> Decimal:
    weight = decimal_cell(text, row=row, column=column)
    if weight < 0:
        raise FormatError("a weight must not be negative", row=row, column=column)
    return weight


class _Project:
    """What the tables other than the bills say, read in a first pass over the text
    (categories and the currency come after the bills); the bills are built in a second
    pass, one row at a time, so that no table of 100,000 bills is held."""

    def __init__(self) -> None:
        self.weights: dict[str, Decimal] = {}
        self.inactive: list[str] = []
        self.categories: dict[str, str] = dict(BUILT_IN)
        self.currency_row: tuple[int, str] | None = None

    def member(self, header: list[str], raw: list[str], row: int) -> None:
        cells = _cells(header, raw, row)
        name = member_name(cells["name"], row=row, column="name")
        if name in self.weights:
            raise FormatError(f"{name!r} is listed twice", row=row, column="name")
        self.weights[name] = _weight(cells["weight"], row, "weight")
        active = cells["active"].strip()
        if active not in ("0", "1"):
            raise FormatError(f"{quote(active)} is not 0 or 1", row=row, column="active")
        if active == "0":
            self.inactive.append(name)

    def category(self, header: list[str], raw: list[str], row: int) -> None:
        cells = _cells(header, raw, row)
        self.categories[cells.get("categoryid", "").strip()] = text_cell(
            cells["categoryname"],
            row=row,
            column="categoryname",
            max_length=MAX_CATEGORY,
            required=False,
        )

    def currency(self, header: list[str], raw: list[str], row: int) -> None:
        if self.currency_row is None:  # the main currency is written first, with rate 1
            self.currency_row = (row, _cells(header, raw, row)["currencyname"])


def _check_bills_header(header: list[str]) -> None:
    for column in ("what", "amount", "payer_name", "owers"):
        if column not in header:
            raise FormatError(f"the bills table has no {column!r} column")
    if "date" not in header and "timestamp" not in header:
        raise FormatError("the bills table has neither a 'date' nor a 'timestamp' column")


def _read_tables(text: str) -> _Project:
    """The first pass: every table but the bills read, every header checked."""
    project = _Project()
    seen: set[str] = set()
    bills = 0
    for kind, start, header, row, cells in _tables(text):
        if not row:
            if kind in seen:
                raise FormatError(
                    f"a second {kind!r} table: is this two exports in one?", row=start
                )
            seen.add(kind)
            if kind == "bills":
                _check_bills_header(header)
            elif kind not in ("members", "categoryname", "paymentmodename", "currencyname"):
                raise FormatError(
                    f"{quote(header[0])} does not start a table Cospend writes (members, "
                    "bills, categories, payment modes, currencies)",
                    row=start,
                )
        elif kind == "members":
            project.member(header, cells, row)
        elif kind == "categoryname":
            project.category(header, cells, row)
        elif kind == "currencyname":
            project.currency(header, cells, row)
        elif kind == "bills":
            bills += 1
            if bills > MAX_ROWS:
                raise FormatError(f"more than {MAX_ROWS} bills; split the file", row=row)
    if "bills" not in seen:
        raise FormatError(
            "no bills table (what,amount,date,timestamp,payer_name,…): is this a Cospend "
            "project export?"
        )
    return project


def _currency(project: _Project, options: ReadOptions) -> str:
    if project.currency_row is not None:
        row, name = project.currency_row
        return currency_cell(name, row=row, column="currencyname")
    if options.currency:
        return currency_cell(options.currency, row=1, column="--currency")
    raise FormatError(
        "the file does not name its currency (Cospend writes one only when the project "
        "has currencies): give --currency"
    )


def _date(cells: dict[str, str], row: int) -> dt.date:
    text = cells.get("date", "").strip()
    if text:
        return day_cell(text, row=row, column="date")
    stamp = cells.get("timestamp", "").strip()
    if not stamp.isdigit() or len(stamp) > 12:
        raise FormatError(f"{quote(stamp)} is not a date or a timestamp", row=row, column="date")
    return day_cell(
        dt.datetime.fromtimestamp(int(stamp), dt.UTC).date().isoformat(),
        row=row,
        column="timestamp",
    )


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Read a Cospend project export; FormatError names the row and column."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    project = _read_tables(text)
    currency = _currency(project, options)
    keys = Keys(KEY_PREFIX)
    sums = Sums()
    weights = project.weights
    transactions: list[Transaction] = []
    no_effect = trashed = done = 0
    for kind, _, header, row, raw in _tables(text):
        if kind != "bills" or not row:
            continue
        cells = _cells(header, raw, row)
        done += 1
        if options.progress is not None and done % 1000 == 0:
            options.progress(done)
        if cells.get("deleted", "0").strip() == "1":
            trashed += 1
            continue
        payer = member_name(cells["payer_name"], row=row, column="payer_name")
        if payer not in weights:  # older exports: members known from the bills alone
            weight = cells.get("payer_weight", "1").strip() or "1"
            weights[payer] = _weight(weight, row, "payer_weight")
        owers: list[str] = []
        for part in cells["owers"].split(","):
            if not part.strip():
                continue
            ower = member_name(part, row=row, column="owers")
            if ower in owers:
                raise FormatError(f"{ower!r} is listed twice", row=row, column="owers")
            owers.append(ower)
        tx = _bill(cells, row, payer, owers, project, currency, keys, sums)
        if tx is None:
            no_effect += 1
        else:
            transactions.append(tx)
    del text
    members = tuple(weights)
    refuse_lookalikes(members, members)
    notes = []
    if project.inactive:
        notes.append(
            "inactive in Cospend (their history is imported; they stay members): "
            + ", ".join(project.inactive)
        )
    if trashed:
        notes.append(
            "1 bill in Cospend's trash was left out"
            if trashed == 1
            else f"{trashed} bills in Cospend's trash were left out"
        )
    return ImportedFile(
        format="cospend",
        members=members,
        currency=currency,
        transactions=transactions,
        totals=sums.result(),
        totals_from="rows",
        no_effect=no_effect,
        notes=tuple(notes),
    )


def _bill(
    cells: dict[str, str],
    row: int,
    payer: str,
    owers: list[str],
    project: _Project,
    currency: str,
    keys: Keys,
    sums: Sums,
) -> Transaction | None:
    """One bill, posted gross: the payer +amount, each ower -their weighted share (a
    refund, a negative amount, the other way round)."""
    date = _date(cells, row)
    what = text_cell(
        cells["what"], row=row, column="what", max_length=MAX_DESCRIPTION, required=False
    )
    amount = amount_cell(cells["amount"], currency, row, "amount")
    category_id = cells.get("categoryid", "").strip()
    category = project.categories.get(category_id, "")
    comment = cells.get("comment", "")
    try:
        decoded = unquote_plus(comment, errors="strict")
    except UnicodeDecodeError:
        raise FormatError("is not URL-encoded UTF-8 text", row=row, column="comment") from None
    note = text_cell(decoded, row=row, column="comment", max_length=MAX_NOTE, required=False)
    for ower in owers:
        if ower not in project.weights:
            raise FormatError(
                f"{ower!r} is not a member of the project (not in the members table, and "
                "never a payer)",
                row=row,
                column="owers",
            )
    key = keys.key(
        [
            date.isoformat(),
            " ".join(cells["what"].split()),
            amount,
            currency,
            payer,
            sorted(owers),
            cells.get("timestamp", "").strip(),
        ]
    )
    if not amount:
        return None
    if not owers:
        raise FormatError("the bill has no owers", row=row, column="owers")
    weights = {o: project.weights[o] for o in owers}
    try:
        shares = compute_shares(abs(amount), Shares(weights), seed=seed_from_key(key))
    except DomainError as exc:
        raise FormatError(
            f"the owers' weights cannot share the bill: {exc}", row=row, column="owers"
        ) from None
    sign = 1 if amount > 0 else -1
    sums.add(payer, currency, amount, row=row)
    for ower, share in shares.items():
        sums.add(ower, currency, -sign * share, row=row)
    return gross.bill(
        {payer: abs(amount)},
        shares,
        sign=sign,
        currency=currency,
        payment=category_id == REIMBURSEMENT,
        row=row,
        date=date,
        description=what,
        category=category,
        key=key,
        note=note,
    )
