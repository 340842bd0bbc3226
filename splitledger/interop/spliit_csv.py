"""Spliit's CSV export (Export → CSV), read into `spliit.Expense`s.

The layout: a UTF-8 byte-order mark, the header `Date,Description,Category,Currency,
Cost,Original cost,Original currency,Conversion rate,Is Reimbursement,Split mode` (the
first exports, of 2025, lack the three `Original …` columns), then one column per
participant. Each participant cell is that participant's share of the cost, positive for
the payer and negative for everyone else (`0` for those not in the expense, and for a
payer who does not share it). `Currency` is the group's ISO code, or the symbol of a
group made before Spliit knew codes (`--currency` then names it).

So the payer is the one positive cell (negative when the cost is, for an income); when
the payer does not share the cost, their cell is 0 like everyone else's left out, and
the payer is known only when a single participant's cell is 0: otherwise the row is
refused, naming the JSON export, which names the payer. The shares must add up to the
cost; a difference of at most one minor unit per participant (the per-cell rounding of
exports before Spliit's August 2026 fix) is taken into the payer's share and said in
the summary; a larger one is refused unless `--unbalanced-to NAME` books it to NAME.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator

from splitledger.domain import (
    DomainError,
    Transaction,
    format_amount,
    normalize_currency,
)
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop import spliit
from splitledger.interop.cells import (
    ZERO_CELLS,
    amount_cell,
    date_cell,
    quote,
    refuse_lookalikes,
    row_cells,
    text_cell,
)
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions, Totals
from splitledger.interop.text import decode

HEAD = ("Date", "Description", "Category", "Currency", "Cost")
ORIGINAL = ("Original cost", "Original currency", "Conversion rate")
TAIL = ("Is Reimbursement", "Split mode")
#: The header's fixed columns, newest layout first.
LAYOUTS = (HEAD + ORIGINAL + TAIL, HEAD + TAIL)
YES_NO = {"yes": True, "no": False}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, sliced lazily (no second copy of the file)."""
    return (m.group() for m in _LINE.finditer(text))


def detect(head: str) -> bool:
    """The first line starts with Spliit's fixed columns."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    try:
        cells = next(csv.reader([first]))
    except (csv.Error, StopIteration):
        return False
    names = tuple(c.strip().lower() for c in cells)
    return any(names[: len(lay)] == tuple(c.lower() for c in lay) for lay in LAYOUTS)


def _layout(header: list[str]) -> tuple[str, ...]:
    """The header's fixed columns (the older layout when its sixth is `Is Reimbursement`),
    or the first that differs."""
    names = [h.strip() for h in header]
    old = len(names) > len(HEAD) and names[len(HEAD)].lower() == TAIL[0].lower()
    layout = LAYOUTS[1] if old else LAYOUTS[0]
    for index, expected in enumerate(layout):
        found = names[index] if index < len(names) else ""
        if found.lower() != expected.lower():
            raise FormatError(
                f"expected {expected!r} here, found {quote(found)}: a Spliit CSV export "
                f"starts with {','.join(LAYOUTS[0])} and then one column per participant",
                row=1,
                column=found if 0 < len(found) <= spliit.MAX_NAME else f"#{index + 1}",
            )
    return layout


def _participants(cells: list[str], first: int) -> tuple[str, ...]:
    """The participant columns' names (the first is the header's column `first`)."""
    while cells and not cells[-1].strip():
        cells.pop()
    if not cells:
        raise FormatError("no participant columns after 'Split mode'", row=1)
    raw = [spliit.unquote_formula(c.strip()) for c in cells]
    columns = [r if 0 < len(r) <= spliit.MAX_NAME else f"#{i}" for i, r in enumerate(raw, first)]
    names: list[str] = []
    for index, (column, cell) in enumerate(zip(columns, raw, strict=True)):
        try:
            name = text_cell(cell, row=1, column=column, max_length=spliit.MAX_NAME, required=True)
        except FormatError:
            refuse_lookalikes(raw, columns, but=index)
            raise
        if name.lower().startswith(EXCHANGE_PREFIX):
            raise FormatError(
                f"names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts",
                row=1,
                column=column,
            )
        if name in names:
            raise FormatError("this participant's column appears twice", row=1, column=column)
        names.append(name)
    refuse_lookalikes(names, columns)
    return tuple(names)


class _Reader:
    """The state of one file's reading: its layout, participants and running sums."""

    def __init__(self, header: list[str], options: ReadOptions) -> None:
        self.layout = _layout(header)
        self.members = _participants(header[len(self.layout) :], len(self.layout) + 1)
        self.width = len(self.layout) + len(self.members)
        self.options = options
        self.extra = options.unbalanced_to
        if self.extra is not None:
            self.extra = text_cell(
                self.extra, row=1, column="--unbalanced-to", max_length=spliit.MAX_NAME,
                required=True,
            )  # fmt: skip
        self.col = {name: i for i, name in enumerate(self.layout)}
        self.seen: Counter[bytes] = Counter()
        self.totals: Totals = {}
        self.moved: dict[str, int] = {}
        self.currencies: Counter[str] = Counter()
        self.rounded = 0  # rows whose shares missed the cost by rounding
        self.rounding = 0
        self.booked: dict[str, int] = {}  # currency -> moved to --unbalanced-to
        self.booked_rows = 0

    def currency(self, cell: str, row: int) -> str:
        try:
            return normalize_currency(cell)
        except DomainError:
            pass
        if self.options.currency is not None:
            return normalize_currency(self.options.currency)
        raise FormatError(
            f"{quote(cell.strip())} is not an ISO currency code: Spliit names the currency "
            "of a group made before it knew codes by its symbol; give --currency CODE",
            row=row,
            column="Currency",
        )

    def original(self, cells: list[str], row: int) -> str:
        """The note of a converted expense: its original cost, currency and rate."""
        if "Original cost" not in self.col:
            return ""
        cost, code, rate = (cells[self.col[c]].strip() for c in ORIGINAL)
        if not cost:
            return ""
        try:
            currency = normalize_currency(code)
        except DomainError as exc:
            raise FormatError(str(exc), row=row, column="Original currency") from None
        minor = amount_cell(cost, currency, row, "Original cost")
        return spliit.original_note(minor, currency, rate, row=row, column="Conversion rate")

    def expense(self, cells: list[str], row: int) -> spliit.Expense:
        col = self.col
        date = date_cell(cells[col["Date"]], row)
        title = text_cell(
            spliit.unquote_formula(cells[col["Description"]]), row=row, column="Description",
            max_length=spliit.MAX_DESCRIPTION, required=False,
        )  # fmt: skip
        category = text_cell(
            spliit.unquote_formula(cells[col["Category"]]), row=row, column="Category",
            max_length=spliit.MAX_CATEGORY, required=False,
        )  # fmt: skip
        currency = self.currency(cells[col["Currency"]], row)
        amount = amount_cell(cells[col["Cost"]], currency, row, "Cost")
        flag = cells[col["Is Reimbursement"]].strip().lower()
        if flag not in YES_NO:
            raise FormatError(
                f"{quote(cells[col['Is Reimbursement']])} is neither Yes nor No",
                row=row,
                column="Is Reimbursement",
            )
        base = len(self.layout)
        values = [
            (name, amount_cell(cell, currency, row, name))
            for name, cell in zip(self.members, cells[base:], strict=True)
            if cell not in ZERO_CELLS
        ]
        values = [(n, v) for n, v in values if v]
        payer, shares = self._payer(values, amount, currency, row)
        shares = self._balance(payer, shares, amount, currency, row)
        self.currencies[currency] += 1
        return spliit.Expense(
            date=date,
            title=title,
            category=category,
            amount=amount,
            currency=currency,
            payer=payer,
            shares=tuple(shares.items()),
            reimbursement=YES_NO[flag],
            original=self.original(cells, row),
        )

    def _payer(
        self, values: list[tuple[str, int]], amount: int, currency: str, row: int
    ) -> tuple[str, dict[str, int]]:
        """Who paid, and each participant's share (the payer's cell is their share,
        everyone else's is minus theirs)."""
        if not values and not amount:
            return self.members[0], {}
        sign = -1 if amount < 0 else 1
        payers = [n for n, v in values if v * sign > 0]
        if len(payers) > 1:
            raise FormatError(
                f"{len(payers)} participants ({', '.join(map(repr, payers))}) have a share of "
                "the payer's sign: Spliit's CSV gives it to the payer alone",
                row=row,
            )
        if payers:
            payer = payers[0]
        else:
            nonzero = {n for n, _ in values}
            zeros = [m for m in self.members if m not in nonzero]
            if len(zeros) != 1:
                raise FormatError(
                    "cannot tell who paid: a payer who does not share the cost has 0 in "
                    f"Spliit's CSV, as everyone left out does ({len(zeros)} cells are 0); "
                    "import the group's JSON export (Export → JSON), which names the payer",
                    row=row,
                )
            payer = zeros[0]
        shares = {n: v if n == payer else -v for n, v in values}
        return payer, shares

    def _balance(
        self, payer: str, shares: dict[str, int], amount: int, currency: str, row: int
    ) -> dict[str, int]:
        """The shares made to add up to the cost: a rounding difference goes to the
        payer's share, a larger one to --unbalanced-to, else the row is refused."""
        missing = amount - sum(shares.values())
        if not missing:
            return shares
        if abs(missing) <= max(len(shares), 1):
            shares[payer] = shares.get(payer, 0) + missing
            self.rounded += 1
            self.rounding += abs(missing)
        elif self.extra is not None:
            shares[self.extra] = shares.get(self.extra, 0) + missing
            self.booked[currency] = self.booked.get(currency, 0) + missing
            self.booked_rows += 1
        else:
            said = format_amount(amount - missing, currency, grouping=False)
            raise FormatError(
                f"the participants' shares add up to {said} {currency}, not the cost of "
                f"{format_amount(amount, currency, grouping=False)} {currency} (a participant "
                "without a column?): give --unbalanced-to NAME to book each row's "
                "difference to NAME",
                row=row,
                column="Cost",
            )
        return {n: s for n, s in shares.items() if s}

    def notes(self) -> tuple[str, ...]:
        said: list[str] = []
        if self.rounded:
            said.append(
                f"{self.rounded} row(s) whose shares missed the cost by rounding (an older "
                f"Spliit export): the payer's share took the difference "
                f"({self.rounding} minor unit(s) in all)"
            )
        for currency, minor in sorted(self.booked.items()):
            said.append(
                f"{format_amount(minor, currency, grouping=False)} {currency} over "
                f"{self.booked_rows} row(s) went to {self.extra}"
            )
        return tuple(said)


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Read a Spliit CSV export; raises `FormatError` naming the row and column."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    reader = csv.reader(_lines(text), strict=True)
    transactions: list[Transaction] = []
    no_effect = 0
    try:
        header = next(reader)
        state = _Reader(header, options)
        for cells in reader:
            row = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row_cells(cells, state.width, row)
            if len(transactions) + no_effect >= spliit.MAX_ROWS:
                raise FormatError(f"more than {spliit.MAX_ROWS} rows; split the file", row=row)
            expense = state.expense(cells, row)
            spliit.add_totals(state.totals, expense)
            _bound(state.moved, expense, row)
            tx = spliit.transaction(
                expense, spliit.key(expense, state.seen), row=row, column="Description"
            )
            if tx is None:
                no_effect += 1
            else:
                transactions.append(tx)
            if options.progress is not None and (len(transactions) + no_effect) % 1000 == 0:
                options.progress(len(transactions) + no_effect)
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None
    except StopIteration:
        raise FormatError("the file is empty") from None
    members = state.members
    if state.extra is not None and state.booked and state.extra not in members:
        members = (*members, state.extra)
    common = state.currencies.most_common()
    return ImportedFile(
        format="spliit",
        members=members,
        currency=min(common, key=lambda c: (-c[1], c[0]))[0] if common else options.currency,
        transactions=transactions,
        totals={k: v for k, v in state.totals.items() if v},
        totals_from="rows",
        no_effect=no_effect,
        notes=state.notes(),
    )


def _bound(moved: dict[str, int], expense: spliit.Expense, row: int) -> None:
    """What a file moves per currency stays far below what a ledger can hold."""
    so_far = moved.get(expense.currency, 0) + abs(expense.amount)
    moved[expense.currency] = so_far
    if so_far > spliit.MAX_FILE_TOTAL:
        raise FormatError(
            f"the rows up to here move more than {spliit.MAX_FILE_TOTAL} minor units of "
            f"{expense.currency} in all, more than a ledger can hold: split the file",
            row=row,
        )
