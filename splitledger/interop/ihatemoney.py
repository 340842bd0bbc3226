"""IHateMoney's bills export (Settings → Export → bills, JSON or CSV), read into balanced
transactions.

Both shapes hold one record per bill with `what`, `bill_type` (`Expense` or
`Reimbursement`; older exports have none: Expense), `amount` (in major units, a float
in the JSON: read from its text, never through float), `currency` (`XXX`, empty or
absent when the project has none: `--currency` names it), `date`, `payer_name`,
`payer_weight` and `owers` (a JSON list; in the CSV one cell, `Ann, Bob`). Text cells
that start like a formula carry a leading quote in the CSV, which is taken off.

IHateMoney splits a bill among its owers in proportion to their weights, and counts a
reimbursement like a bill (the payer +amount, the owers -their part): one to a single
other member becomes a payment. The export gives a member's weight only where they paid
(`payer_weight`, the same on all their bills); a member who never paid has weight 1, as
IHateMoney's own import assumes, and the summary says who. Amounts are split exactly by
the domain's splitter (shares mode, odd cents rotated by the bill's key), in the bill's
own currency (IHateMoney converts to the project's currency with rates the export does
not carry). The export carries no balances: the totals reconciled against are summed
from each bill's amount and its owers' shares, split again apart from the postings.

The settle-up export (`ower`, `receiver`, `amount`) is refused, naming the bills export.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from splitledger.domain import (
    DomainError,
    Posting,
    Shares,
    Transaction,
    TxKind,
    compute_shares,
    from_decimal,
    normalize_currency,
    seed_from_key,
)
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop.cells import amount_cell, date_cell, quote, refuse_lookalikes, text_cell
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions, Totals
from splitledger.interop.text import decode

KEY_PREFIX = "ihatemoney:"
NO_DESCRIPTION = "(no description)"
FIELDS = ("what", "bill_type", "amount", "currency", "date", "payer_name", "payer_weight", "owers")
REQUIRED = frozenset({"what", "amount", "date", "payer_name", "payer_weight", "owers"})
SETTLE_FIELDS = frozenset({"ower", "receiver", "amount"})
NO_CURRENCY = frozenset({"", "XXX"})
BILL_TYPES = {"expense": "Expense", "reimbursement": "Reimbursement"}
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_ROWS = 1_000_000
MAX_WEIGHT = Decimal(10**6)
MAX_FILE_TOTAL = 10**18
_FORMULA = ("=", "+", "-", "@", "\t", "\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def detect(head: str) -> bool:
    """A JSON list of bills (or of settle-up transfers), or a CSV header, with
    IHateMoney's field names."""
    text = head.lstrip("\ufeff").lstrip()
    if text.startswith("["):
        bills = '"payer_name"' in head and '"owers"' in head
        # Its settle-up export too, so that `read` can say which file to export instead.
        return bills or ('"ower"' in head and '"receiver"' in head)
    first = text.split("\n", 1)[0]
    names = {c.strip().strip('"').lower() for c in first.split(",")}
    return names >= REQUIRED


@dataclass(frozen=True, slots=True)
class _Bill:
    """One record, its cells checked; owers still as given (split once payers are known)."""

    row: int
    what: str
    kind: str
    amount: int
    currency: str
    date: str
    payer: str
    owers: object  # list[str] (JSON) or str (CSV)


class _Shape:
    """Where a problem is: a CSV row and column, or a JSON bill's number and field.
    (A CSV cell `Smith, J, Kim` is split at its commas; `Smith, J` is one name only
    when someone of that name paid a bill: the export has no other way to tell.)"""

    def __init__(self, is_json: bool) -> None:
        self.is_json = is_json

    def error(self, message: str, row: int, field: str | None = None) -> FormatError:
        if not self.is_json:
            return FormatError(message, row=row, column=field)
        where = f"bill {row}" + (f", field {field!r}" if field else "")
        return FormatError(f"{where}: {message}")

    def again(self, exc: FormatError) -> FormatError:
        """A cell reader's error (row and column) said in this shape's words."""
        if not self.is_json or exc.row is None:
            return exc
        return self.error(str(exc).split(": ", 1)[1], exc.row, exc.column)


def _unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in _FORMULA and text[1:2] else text


class _Reader:
    def __init__(self, shape: _Shape, options: ReadOptions) -> None:
        self.shape = shape
        self.options = options
        self.weights: dict[str, Decimal] = {}
        self.weight_rows: dict[str, int] = {}
        self.names: list[str] = []
        self.currencies: Counter[str] = Counter()

    def name(self, raw: str, row: int, field: str) -> str:
        name = text_cell(_unquote(raw), row=row, column=field, max_length=MAX_NAME, required=True)
        if name.lower().startswith(EXCHANGE_PREFIX):
            raise self.shape.error(
                f"names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts",
                row,
                field,
            )
        if name not in self.weights and name not in self.names:
            self.names.append(name)
        return name

    def currency(self, raw: object, row: int) -> str:
        code = raw.strip() if isinstance(raw, str) else ""
        if raw is not None and not isinstance(raw, str):
            raise self.shape.error(f"{quote(repr(raw))} is not a currency code", row, "currency")
        if code.upper() in NO_CURRENCY:
            if self.options.currency is None:
                raise self.shape.error(
                    "the bill has no currency (IHateMoney writes XXX for a project without "
                    "one): give --currency CODE",
                    row,
                    "currency",
                )
            return normalize_currency(self.options.currency)
        try:
            return normalize_currency(code)
        except DomainError as exc:
            raise self.shape.error(str(exc), row, "currency") from None

    def amount(self, raw: object, currency: str, row: int) -> int:
        if isinstance(raw, str):
            return amount_cell(raw, currency, row, "amount")
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise self.shape.error(f"{quote(repr(raw))} is not a number", row, "amount")
        try:
            return from_decimal(Decimal(raw), currency, field="amount")
        except DomainError as exc:
            raise self.shape.error(str(exc).removeprefix("amount: "), row, "amount") from None

    def weight(self, raw: object, payer: str, row: int) -> None:
        try:
            value = Decimal(raw.strip()) if isinstance(raw, str) else raw
        except InvalidOperation:
            value = None
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, Decimal))
            or not Decimal(value).is_finite()
            or not 0 < value <= MAX_WEIGHT
        ):
            raise self.shape.error(
                f"{quote(str(raw))} is not a positive weight", row, "payer_weight"
            )
        weight = Decimal(value).normalize()
        known = self.weights.setdefault(payer, weight)
        self.weight_rows.setdefault(payer, row)
        if known != weight:
            raise self.shape.error(
                f"{payer!r} has weight {weight} here but {known} on the bill of "
                f"{'bill' if self.shape.is_json else 'row'} {self.weight_rows[payer]}: "
                "IHateMoney gives a member one weight",
                row,
                "payer_weight",
            )

    def bill(self, record: Mapping[str, object], row: int) -> _Bill:
        for field in sorted(REQUIRED):
            if field not in record:
                raise self.shape.error(f"the field {field!r} is missing", row)
        raw_what = record["what"]
        if not isinstance(raw_what, str):
            raise self.shape.error("is not text", row, "what")
        what = text_cell(
            _unquote(raw_what), row=row, column="what", max_length=MAX_DESCRIPTION, required=False
        )
        raw_kind = record.get("bill_type") or "Expense"
        kind = BILL_TYPES.get(str(raw_kind).strip().lower())
        if kind is None:
            raise self.shape.error(
                f"{quote(str(raw_kind))} is neither Expense nor Reimbursement", row, "bill_type"
            )
        currency = self.currency(record.get("currency"), row)
        amount = self.amount(record["amount"], currency, row)
        raw_date = record["date"]
        if not isinstance(raw_date, str):
            raise self.shape.error("is not a date", row, "date")
        date = date_cell(raw_date, row, "date").isoformat()
        raw_payer = record["payer_name"]
        if not isinstance(raw_payer, str):
            raise self.shape.error("is not text", row, "payer_name")
        payer = self.name(raw_payer, row, "payer_name")
        self.weight(record["payer_weight"], payer, row)
        if payer in self.names:
            self.names.remove(payer)
        owers = record["owers"]
        if not isinstance(owers, list if self.shape.is_json else str):
            raise self.shape.error("is not a list of names", row, "owers")
        self.currencies[currency] += 1
        return _Bill(row, what, kind, amount, currency, date, payer, owers)

    def owers(self, bill: _Bill) -> list[str]:
        """The bill's owers, by name; a CSV cell's `Smith, J` joins back into one name
        when a member who paid is called so."""
        if isinstance(bill.owers, list):
            pieces: list[str] = []
            for item in bill.owers:
                if not isinstance(item, str):
                    raise self.shape.error("holds something that is not a name", bill.row, "owers")
                pieces.append(item)
            joined = pieces
        else:
            pieces = [p.strip() for p in str(bill.owers).split(",")]
            joined = []
            i = 0
            while i < len(pieces):
                for j in range(len(pieces), i, -1):
                    candidate = ", ".join(pieces[i:j])
                    if j == i + 1 or candidate in self.weights:
                        joined.append(candidate)
                        i = j
                        break
        names: list[str] = []
        for raw in joined:
            name = self.name(raw, bill.row, "owers")
            if name in names:
                raise self.shape.error(f"{name!r} is listed twice", bill.row, "owers")
            names.append(name)
        if not names:
            raise self.shape.error("nobody owes this bill", bill.row, "owers")
        return names


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _key(bill: _Bill, owers: list[str], seen: Counter[bytes]) -> str:
    content = [bill.date, bill.what, bill.kind, bill.amount, bill.currency, bill.payer]
    content.append(sorted(owers))
    digest = hashlib.sha256(_COMPACT.encode(content).encode("utf-8")).digest()
    occurrence = seen[digest]
    seen[digest] += 1
    return KEY_PREFIX + hashlib.sha256(digest + b"#%d" % occurrence).hexdigest()[:40]


def split(
    amount: int, owers: list[str], weights: Mapping[str, Decimal], key: str
) -> dict[str, int]:
    """The owers' shares of `amount` by weight (the domain splitter; an income's are the
    negated shares of its size)."""
    if not amount:
        return dict.fromkeys(owers, 0)
    by_weight = Shares({o: weights.get(o, Decimal(1)) for o in owers})
    shares = compute_shares(abs(amount), by_weight, seed=seed_from_key(key))
    return shares if amount > 0 else {n: -s for n, s in shares.items()}


def _records(text: str, shape: _Shape) -> Iterator[tuple[int, Mapping[str, object]]]:
    """(row or bill number, record) of either shape."""
    if shape.is_json:
        try:
            found = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise FormatError(f"not valid JSON: {exc.msg}", row=exc.lineno) from None
        except RecursionError:
            raise FormatError("not valid JSON: nested too deeply") from None
        if not isinstance(found, list):
            raise FormatError("not IHateMoney's bills export: the file is not a JSON list")
        for index, item in enumerate(found, start=1):
            if not isinstance(item, dict):
                raise FormatError(f"bill {index}: not an object")
            if index == 1 and item.keys() >= SETTLE_FIELDS:
                raise FormatError(_SETTLE)
            yield index, item
        return
    reader = csv.reader((m.group() for m in _LINE.finditer(text)), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
        if set(header) >= SETTLE_FIELDS:
            raise FormatError(_SETTLE)
        missing = sorted(REQUIRED - set(header))
        if missing:
            raise FormatError(
                f"no column {missing[0]!r}: IHateMoney's bills export has the columns "
                f"{','.join(FIELDS)}",
                row=1,
            )
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                raise FormatError(
                    f"has {len(cells)} cells but the header has {len(header)}",
                    row=reader.line_num,
                )
            yield reader.line_num, dict(zip(header, cells, strict=True))
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None
    except StopIteration:
        raise FormatError("the file is empty") from None


_SETTLE = (
    "this is IHateMoney's settle-up export (who pays whom), not its bills: export the "
    "bills (Settings → Export → bills) and import that"
)


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """Read IHateMoney's bills export (JSON or CSV, told apart by the first character)."""
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    shape = _Shape(text.lstrip().startswith(("[", "{")))
    state = _Reader(shape, options)
    bills: list[_Bill] = []
    try:
        for row, record in _records(text, shape):
            if len(bills) >= MAX_ROWS:
                raise shape.error(f"more than {MAX_ROWS} bills; split the file", row)
            bills.append(state.bill(record, row))
            if options.progress is not None and len(bills) % 1000 == 0:
                options.progress(len(bills))
    except FormatError as exc:
        raise shape.again(exc) from None
    del text
    transactions: list[Transaction] = []
    totals: Totals = {}
    seen: Counter[bytes] = Counter()
    moved: dict[str, int] = {}
    no_effect = 0
    for bill in bills:
        try:
            owers = state.owers(bill)
        except FormatError as exc:
            raise shape.again(exc) from None
        key = _key(bill, owers, seen)
        moved[bill.currency] = moved.get(bill.currency, 0) + abs(bill.amount)
        if moved[bill.currency] > MAX_FILE_TOTAL:
            raise shape.error("the bills up to here move more than a ledger can hold", bill.row)
        _add_totals(totals, bill, owers, state.weights, key)
        tx = _transaction(bill, owers, state.weights, key, shape)
        if tx is None:
            no_effect += 1
        else:
            transactions.append(tx)
    members = [*state.weights, *(n for n in state.names if n not in state.weights)]
    columns = [repr(m) for m in members]
    try:
        refuse_lookalikes(members, columns)
    except FormatError as exc:
        raise FormatError(str(exc).split(": ", 1)[1].replace("column", "member")) from None
    notes: list[str] = []
    unweighted = [n for n in members if n not in state.weights]
    if unweighted:
        notes.append(
            f"{', '.join(unweighted)} never paid, so the export gives no weight: "
            "1 was used, as IHateMoney's own import does"
        )
    common = state.currencies.most_common()
    return ImportedFile(
        format="ihatemoney",
        members=tuple(members),
        currency=min(common, key=lambda c: (-c[1], c[0]))[0] if common else options.currency,
        transactions=transactions,
        totals={k: v for k, v in totals.items() if v},
        totals_from="rows",
        no_effect=no_effect,
        notes=tuple(notes),
    )


def _add_totals(
    totals: Totals, bill: _Bill, owers: list[str], weights: Mapping[str, Decimal], key: str
) -> None:
    """IHateMoney's balance of the bill: paid (or transferred) minus each ower's part,
    split again by the domain splitter apart from the postings."""
    cur = bill.currency
    totals[bill.payer, cur] = totals.get((bill.payer, cur), 0) + bill.amount
    for name, share in split(bill.amount, owers, weights, key).items():
        totals[name, cur] = totals.get((name, cur), 0) - share


def _transaction(
    bill: _Bill, owers: list[str], weights: Mapping[str, Decimal], key: str, shape: _Shape
) -> Transaction | None:
    shares = split(bill.amount, owers, weights, key)
    effect = {bill.payer: bill.amount}
    for name, share in shares.items():
        effect[name] = effect.get(name, 0) - share
    if not any(effect.values()):
        return None
    is_payment = bill.kind == "Reimbursement" and len(owers) == 1 and owers[0] != bill.payer
    postings = [Posting(bill.payer, bill.currency, bill.amount)]
    postings += [Posting(n, bill.currency, -s) for n, s in shares.items() if s]
    try:
        return Transaction(
            kind=TxKind.PAYMENT if is_payment else TxKind.EXPENSE,
            postings=tuple(postings),
            date=date_cell(bill.date, bill.row, "date"),
            description=bill.what or NO_DESCRIPTION,
            idempotency_key=key,
            category="payment" if is_payment else "",
        )
    except DomainError as exc:
        raise shape.error(str(exc), bill.row, "what") from None
