"""Any spreadsheet or bank statement, read through a mapping (`--format csv --map …`).

The file has a header line naming its columns; the mapping says which column holds
what (`date=Date,amount=Cost,payer=Paid by`), or gives a constant for the whole file
(`payer==ann`, `currency==EUR`). Each row becomes one expense: the payer paid the
amount, split equally among the row's participants (a `;` list, or every member), or by
weights from a `split` column (`ann=2;bob=1`). The format is never guessed: without a
mapping nothing says which column is the amount.

Why these choices:
- Dates: `date_format` (`DD/MM/YYYY`, …) when given; otherwise `YYYY-MM-DD`,
  `YYYY/MM/DD` and `DD.MM.YYYY`, tried in that order. `03/04/2026` could be either of
  two days, so slashed or dashed day-month dates are refused without a `date_format`
  rather than guessed.
- Amounts are exact (integers via `parse_amount`, never float). `sign=negative` reads a
  bank statement, where money spent is written negative; a row of the other sign is a
  refund and is booked as the same split reversed, or left out with `refunds=skip` (a
  statement's salary is not a refund). `debit`/`credit` columns (either may
  be blank) are read as the amounts spent and refunded, whatever sign they carry.
- The file carries no totals of its own, so it is reconciled against per-member sums
  computed from the cells (payer +amount, each participant −share; totals_from "rows"),
  apart from the transactions built with `build_expense`.
- Keys: a digest of the row's non-blank cells by column name (whatever the column
  order and the mapping) and of how many identical rows came before it. Re-importing
  the file records nothing; a longer export records only its new rows; importing it
  again with a mapping that changes what a row means is a key conflict, not a copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from splitledger.domain import (
    DomainError,
    Equal,
    Posting,
    Shares,
    Split,
    Transaction,
    TxKind,
    build_expense,
    check_date,
    clean_text,
    compute_shares,
    name_key,
    normalize_currency,
    parse_amount,
    parse_decimal,
    seed_from_key,
)
from splitledger.domain.fx import EXCHANGE_PREFIX
from splitledger.interop.cells import quote, refused, text_cell
from splitledger.interop.errors import FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions, Totals
from splitledger.interop.text import decode

KEY_PREFIX = "csv:"
NO_DESCRIPTION = "(no description)"
MAX_ROWS = 1_000_000
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_CATEGORY = 100
#: Longest column name a mapping may give.
MAX_COLUMN = 200
MAX_SKIP = 100
#: Most a file may move in one currency (as the Splitwise reader: far below 2**63).
MAX_FILE_TOTAL = 10**18

#: What a mapping may set, and what each means (the help text and docs/cli.md).
FIELDS: dict[str, str] = {
    "date": "column of the date (required)",
    "amount": "column of the amount (or debit and/or credit)",
    "debit": "column of money spent (a bank statement's Debit)",
    "credit": "column of money refunded (a bank statement's Credit)",
    "payer": "column of who paid, or ==NAME for the whole file (required)",
    "participants": "column of ;-separated names, or ==a;b (default: every member)",
    "split": "column of weights NAME=W;… (blank: equal among the participants)",
    "currency": "column of the currency, or ==CODE (default: --currency, else the group's)",
    "description": "column of the description, or ==TEXT",
    "category": "column of the category, or ==TEXT",
    "members": "the members, a;b;c (default: the names in the payer/participant cells)",
    "date_format": "e.g. DD/MM/YYYY (YYYY, MM, DD and - / . or space)",
    "sign": "positive (default) or negative: how an expense's amount is written",
    "refunds": "book (default: the split reversed) or skip: rows of the other sign",
    "delimiter": "comma (default), semicolon, tab or pipe",
    "decimal": "point (default, 1,234.50) or comma (1.234,50)",
    "skip": "lines before the header line (default 0)",
}
#: Fields naming a column (a value starting with '=' is a constant instead).
COLUMN_FIELDS = frozenset(
    {"date", "amount", "debit", "credit", "payer", "participants", "split", "currency"}
    | {"description", "category"}
)
CONSTANT_FIELDS = frozenset({"payer", "participants", "currency", "description", "category"})
_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
_DELIMITERS.update({v: v for v in list(_DELIMITERS.values())})
_DECIMALS = {"point": ".", "comma": ",", ".": ".", ",": ","}
_SIGNS = {"positive": 1, "negative": -1}
_REFUNDS = {"book": True, "skip": False}

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
#: The dates tried without a date_format, in this order: (pattern, year, month, day).
_DEFAULT_DATES = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME, re.ASCII), "YYYY-MM-DD"),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME, re.ASCII), "YYYY/MM/DD"),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME, re.ASCII), "DD.MM.YYYY"),
)
_AMBIGUOUS = re.compile(r"\d{1,2}[/-]\d{1,2}[/-]\d{4}" + _TIME, re.ASCII)
_FORMAT_TOKEN = re.compile(r"YYYY|MM|DD|[-/. ]")
_COMMA_DECIMAL = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?", re.ASCII)


@dataclass(frozen=True, slots=True)
class DateFormat:
    """A `date_format`: its text and its pattern, with the groups' order."""

    text: str
    pattern: re.Pattern[str]
    order: tuple[str, ...]  # ("DD", "MM", "YYYY") for DD/MM/YYYY


@dataclass(frozen=True, slots=True)
class CsvMap:
    """A checked mapping: columns by field, constants by field, and the options."""

    columns: dict[str, str]
    constants: dict[str, str]
    members: tuple[str, ...] | None = None
    participants: tuple[str, ...] | None = None
    date_format: DateFormat | None = None
    sign: int = 1
    #: Rows of the other sign: booked as refunds (True) or left out.
    refunds: bool = True
    delimiter: str = ","
    decimal: str = "."
    skip: int = 0


def _map_error(field: str, message: str) -> FormatError:
    return FormatError(f"map: {field}: {message}")


def _map_text(value: str, field: str, max_length: int) -> str:
    """Text a mapping gives (a column name, a constant) under the input policy."""
    try:
        return clean_text(value, field=field, max_length=max_length, required=True)
    except DomainError as exc:
        message = str(exc).removeprefix(f"{field}: ")
        raise _map_error(field, message) from None


def _map_name(value: str, field: str) -> str:
    name = _map_text(value, field, MAX_NAME)
    if name.lower().startswith(EXCHANGE_PREFIX):
        raise _map_error(field, f"names starting with {EXCHANGE_PREFIX!r} are reserved")
    return name


def _map_names(value: str, field: str) -> tuple[str, ...]:
    names = [_map_name(part, field) for part in value.split(";") if part.strip()]
    if not names:
        raise _map_error(field, "names no member")
    seen: dict[str, str] = {}
    for name in names:
        first = seen.setdefault(name_key(name), name)
        if first != name or names.count(name) > 1:
            raise _map_error(field, f"{quote(name)} is listed twice (as {quote(first)})")
    return tuple(names)


def _date_format(text: str) -> DateFormat:
    tokens = _FORMAT_TOKEN.findall(text)
    order = tuple(t for t in tokens if len(t) > 1)
    if "".join(tokens) != text or sorted(order) != ["DD", "MM", "YYYY"]:
        raise _map_error(
            "date_format",
            f"{quote(text)} is not a date format: write YYYY, MM and DD once each, with "
            "- / . or a space between (e.g. DD/MM/YYYY)",
        )
    body = "".join(
        {"YYYY": r"(\d{4})", "MM": r"(\d{1,2})", "DD": r"(\d{1,2})"}.get(t, re.escape(t))
        for t in tokens
    )
    return DateFormat(text, re.compile(body + _TIME, re.ASCII), order)


def _choice(table: Mapping[str, object], value: str, field: str) -> object:
    found = table.get(value.strip().lower())
    if found is None:
        names = ", ".join(k for k in table if len(k) > 1)
        raise _map_error(field, f"{quote(value)} is not one of {names}")
    return found


def check_mapping(mapping: Mapping[str, str]) -> CsvMap:
    """`mapping` ({field: column, or field: "=constant"}) checked: unknown fields, a
    constant where a column is needed, missing fields and text the input policy refuses
    are a `FormatError` starting `map: FIELD:`."""
    columns: dict[str, str] = {}
    constants: dict[str, str] = {}
    options: dict[str, str] = {}
    for raw_field, raw_value in mapping.items():
        field = raw_field.strip().lower()
        if field not in FIELDS:
            known = ", ".join(FIELDS)
            raise FormatError(f"map: unknown field {quote(raw_field)} (known: {known})")
        value = raw_value.strip()
        constant = value.startswith("=")
        if constant:
            value = value[1:].strip()
        if not value:
            raise _map_error(field, "is empty")
        if field in COLUMN_FIELDS:
            if constant and field not in CONSTANT_FIELDS:
                raise _map_error(field, "needs a column, not a constant (==)")
            target = constants if constant else columns
            target[field] = _map_text(value, field, MAX_COLUMN)
        else:
            options[field] = _map_text(value, field, MAX_COLUMN)
    for needed in ("date", "payer"):
        if needed not in columns and needed not in constants:
            raise _map_error(needed, f"is needed ({FIELDS[needed]})")
    money = [f for f in ("amount", "debit", "credit") if f in columns]
    if not money:
        raise _map_error("amount", "is needed: the amount column (or debit and/or credit)")
    if "amount" in columns and len(money) > 1:
        raise _map_error("amount", "give amount, or debit and/or credit, not both")
    if "sign" in options and "amount" not in columns:
        raise _map_error("sign", "applies to an amount column (debit and credit have none)")
    if "payer" in constants:
        constants["payer"] = _map_name(constants["payer"], "payer")
    if "currency" in constants:
        try:
            constants["currency"] = normalize_currency(constants["currency"])
        except DomainError as exc:
            raise _map_error("currency", str(exc)) from None
    participants = None
    if "participants" in constants:
        participants = _map_names(constants.pop("participants"), "participants")
    members = None
    if "members" in options:
        members = _map_names(options["members"].lstrip("="), "members")
    try:
        skip = int(options.get("skip", "0"))
    except ValueError:
        raise _map_error("skip", f"{quote(options['skip'])} is not a whole number") from None
    if not 0 <= skip <= MAX_SKIP:
        raise _map_error("skip", f"is from 0 to {MAX_SKIP}")
    date_format = options.get("date_format")
    return CsvMap(
        columns=columns,
        constants=constants,
        members=members,
        participants=participants,
        date_format=None if date_format is None else _date_format(date_format),
        sign=int(str(_choice(_SIGNS, options.get("sign", "positive"), "sign"))),
        refunds=bool(_choice(_REFUNDS, options.get("refunds", "book"), "refunds")),
        delimiter=str(_choice(_DELIMITERS, options.get("delimiter", "comma"), "delimiter")),
        decimal=str(_choice(_DECIMALS, options.get("decimal", "point"), "decimal")),
        skip=skip,
    )


def read_date(text: str, fmt: DateFormat | None, row: int, column: str) -> dt.date:
    """A date cell, by `fmt` or by the default patterns in their order; a time after the
    date is ignored. Day-month dates with / or - are refused without a format."""
    cleaned = text.strip()
    parts: dict[str, str] | None = None
    if fmt is not None:
        found = fmt.pattern.fullmatch(cleaned)
        if found is None:
            raise FormatError(
                f"{quote(text)} is not a date written {fmt.text}", row=row, column=column
            )
        parts = dict(zip(fmt.order, found.groups(), strict=True))
    else:
        for pattern, order in _DEFAULT_DATES:
            found = pattern.fullmatch(cleaned)
            if found is not None:
                tokens = tuple(t for t in _FORMAT_TOKEN.findall(order) if len(t) > 1)
                parts = dict(zip(tokens, found.groups(), strict=True))
                break
    if parts is None:
        if _AMBIGUOUS.fullmatch(cleaned):
            raise FormatError(
                f"{quote(text)} could be day/month or month/day: give "
                "date_format=DD/MM/YYYY or date_format=MM/DD/YYYY in --map",
                row=row,
                column=column,
            )
        raise FormatError(
            f"{quote(text)} is not a date (YYYY-MM-DD, YYYY/MM/DD or DD.MM.YYYY; give "
            "date_format= in --map for another order)",
            row=row,
            column=column,
        )
    try:
        day = dt.date(int(parts["YYYY"]), int(parts["MM"]), int(parts["DD"]))
    except ValueError:
        raise FormatError(
            f"{quote(text)} is not a day of the calendar", row=row, column=column
        ) from None
    try:
        return check_date(day, field=column)
    except DomainError as exc:
        raise refused(exc, row, column) from None


def read_amount(text: str, currency: str, decimal: str, row: int, column: str) -> int:
    """An amount cell in minor units, exactly: `1,234.50` (or `1.234,50` with decimal
    comma), an optional sign; blank is refused (it is not zero)."""
    cleaned = text.strip()
    if not cleaned:
        raise FormatError("is empty (write 0 for nothing)", row=row, column=column)
    if decimal == ",":
        if not _COMMA_DECIMAL.fullmatch(cleaned):
            raise FormatError(
                f"{quote(text)} is not an amount with a decimal comma (write e.g. 1.234,50)",
                row=row,
                column=column,
            )
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        return parse_amount(cleaned, currency, allow_zero=True, allow_negative=True, field=column)
    except DomainError as exc:
        raise refused(exc, row, column) from None


class _Row(NamedTuple):
    """A data line read, before the members are all known."""

    row: int
    date: dt.date
    description: str
    category: str
    currency: str
    minor: int  # > 0 an expense, < 0 a refund
    payer: str
    participants: tuple[str, ...] | None  # None: every member
    weights: tuple[tuple[str, Decimal], ...] | None
    key: str


class _Names:
    """Member names from the cells: matched to `members=` when given (by what they read
    as), else collected in order of appearance, each spelled one way."""

    def __init__(self, given: tuple[str, ...] | None) -> None:
        self.given = given
        self.by_key: dict[str, str] = {name_key(n): n for n in given or ()}
        self.found: list[str] = list(given or ())
        self.cache: dict[str, str] = {}
        self.first_row: dict[str, int] = {}

    def name(self, raw: str, row: int, column: str) -> str:
        known = self.cache.get(raw)
        if known is not None:
            return known
        name = text_cell(raw, row=row, column=column, max_length=MAX_NAME, required=True)
        if name.lower().startswith(EXCHANGE_PREFIX):
            raise FormatError(
                f"names starting with {EXCHANGE_PREFIX!r} are reserved for exchange accounts",
                row=row,
                column=column,
            )
        key = name_key(name)
        spelled = self.by_key.get(key)
        if self.given is not None and spelled is None:
            raise FormatError(
                f"{quote(name)} is not one of the members given in --map ({', '.join(self.given)})",
                row=row,
                column=column,
            )
        if spelled is None:
            self.by_key[key] = spelled = name
            self.found.append(name)
            self.first_row[name] = row
        elif spelled != name and self.given is None:
            raise FormatError(
                f"{quote(name)} reads the same as {quote(spelled)} (row "
                f"{self.first_row[spelled]}): write one member's name one way",
                row=row,
                column=column,
            )
        self.cache[raw] = spelled
        return spelled


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, sliced lazily (no second copy of the file)."""
    return (m.group() for m in _LINE.finditer(text))


class _Reader:
    """One file read through a checked mapping."""

    def __init__(self, spec: CsvMap, header: list[str], row: int) -> None:
        self.spec = spec
        self.header = [" ".join(h.split()) for h in header]
        self.width = len(header)
        self.index: dict[str, int] = {}
        for field, column in spec.columns.items():
            self.index[field] = self._find(column, row)
        self.names = _Names(spec.members)
        if spec.participants is not None:
            resolved = tuple(self.names.name(n, row, "participants") for n in spec.participants)
            self.constant_participants: tuple[str, ...] | None = resolved
        else:
            self.constant_participants = None
        self.constant_payer = (
            self.names.name(spec.constants["payer"], row, "payer")
            if "payer" in spec.constants
            else None
        )
        self.seen: Counter[bytes] = Counter()
        self.moved: dict[str, int] = defaultdict(int)
        self.refunds = 0
        self.skipped = 0  # rows of the other sign left out (refunds=skip)
        self.everyone = 0  # rows split among every member

    def _find(self, column: str, row: int) -> int:
        exact = [i for i, h in enumerate(self.header) if h == column]
        if not exact:
            exact = [i for i, h in enumerate(self.header) if h.casefold() == column.casefold()]
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise FormatError(f"map: the column {quote(column)} appears twice", row=row)
        shown = ", ".join(quote(text_or_hash(h, i)) for i, h in enumerate(self.header[:20]))
        raise FormatError(f"map: no column {quote(column)} in the header (it has {shown})", row=row)

    def cell(self, cells: list[str], field: str) -> str | None:
        """The cell of `field`, its constant, or None when the mapping has neither."""
        at = self.index.get(field)
        if at is not None:
            return cells[at]
        return self.spec.constants.get(field)

    def column(self, field: str) -> str:
        """How a message names `field`'s column: its heading, or the field of a constant."""
        at = self.index.get(field)
        return text_or_hash(self.header[at], at) if at is not None else field

    def row(self, cells: list[str], row: int) -> _Row | None:
        """A data line, or None for one that moves no money (amount zero)."""
        spec = self.spec
        date = read_date(self.cell(cells, "date") or "", spec.date_format, row, self.column("date"))
        currency_text = self.cell(cells, "currency") or ""
        try:
            currency = normalize_currency(currency_text)
        except DomainError as exc:
            raise FormatError(str(exc), row=row, column=self.column("currency")) from None
        minor = self._amount(cells, currency, row)
        description = self._text(cells, "description", row, MAX_DESCRIPTION)
        category = self._text(cells, "category", row, MAX_CATEGORY)
        payer = self.constant_payer or self.names.name(
            self.cell(cells, "payer") or "", row, self.column("payer")
        )
        participants = self._participants(cells, row)
        weights = self._weights(cells, row)
        content = sorted(
            [h, " ".join(c.split())] for h, c in zip(self.header, cells, strict=False) if c.strip()
        )
        key = self._key(content)
        if minor == 0:
            return None
        if minor < 0 and not spec.refunds:
            self.skipped += 1
            return None
        self.moved[currency] += abs(minor)
        if self.moved[currency] > MAX_FILE_TOTAL:
            raise FormatError(
                f"the rows up to here move more than a ledger can hold in {currency}: "
                "split the file",
                row=row,
            )
        return _Row(
            row, date, description or NO_DESCRIPTION, category, currency, minor, payer,
            participants, weights, key,
        )  # fmt: skip

    def count(self, r: _Row) -> None:
        """Count a row for the summary's notes."""
        if r.participants is None and r.weights is None:
            self.everyone += 1
        if r.minor < 0:
            self.refunds += 1

    def _amount(self, cells: list[str], currency: str, row: int) -> int:
        decimal = self.spec.decimal
        if "amount" in self.index:
            value = read_amount(
                cells[self.index["amount"]], currency, decimal, row, self.column("amount")
            )
            return value * self.spec.sign
        parts = {f: cells[self.index[f]] for f in ("debit", "credit") if f in self.index}
        if not any(c.strip() for c in parts.values()):
            named = " and ".join(quote(self.column(f)) for f in parts)
            raise FormatError(f"{named}: is empty (write 0 for nothing)", row=row)
        debit = credit = 0
        if parts.get("debit", "").strip():
            debit = abs(read_amount(parts["debit"], currency, decimal, row, self.column("debit")))
        if parts.get("credit", "").strip():
            credit = abs(
                read_amount(parts["credit"], currency, decimal, row, self.column("credit"))
            )
        return debit - credit

    def _text(self, cells: list[str], field: str, row: int, limit: int) -> str:
        raw = self.cell(cells, field)
        if raw is None:
            return ""
        return text_cell(raw, row=row, column=self.column(field), max_length=limit, required=False)

    def _participants(self, cells: list[str], row: int) -> tuple[str, ...] | None:
        if self.constant_participants is not None:
            return self.constant_participants
        raw = self.cell(cells, "participants")
        if raw is None or not raw.strip():
            return None
        column = self.column("participants")
        names: list[str] = []
        for part in raw.split(";"):
            if not part.strip():
                continue
            name = self.names.name(part, row, column)
            if name in names:
                raise FormatError(f"{quote(name)} is listed twice", row=row, column=column)
            names.append(name)
        return tuple(names)

    def _weights(self, cells: list[str], row: int) -> tuple[tuple[str, Decimal], ...] | None:
        raw = self.cell(cells, "split")
        if raw is None or not raw.strip():
            return None
        column = self.column("split")
        weights: dict[str, Decimal] = {}
        for part in raw.split(";"):
            if not part.strip():
                continue
            who, sep, weight = part.rpartition("=")
            if not sep:
                raise FormatError(
                    f"{quote(part)} is not NAME=WEIGHT (e.g. ann=2;bob=1)", row=row, column=column
                )
            name = self.names.name(who, row, column)
            if name in weights:
                raise FormatError(f"{quote(name)} is listed twice", row=row, column=column)
            try:
                weights[name] = parse_decimal(weight, field=column)
            except DomainError as exc:
                raise refused(exc, row, column) from None
        if not weights or not any(weights.values()):
            raise FormatError("gives nobody a weight above zero", row=row, column=column)
        return tuple(weights.items())

    def _key(self, content: list[list[str]]) -> str:
        digest = hashlib.sha256(_COMPACT.encode(content).encode("utf-8")).digest()
        occurrence = self.seen[digest]
        self.seen[digest] += 1
        return KEY_PREFIX + hashlib.sha256(digest + b"#%d" % occurrence).hexdigest()[:40]


def text_or_hash(header: str, index: int) -> str:
    """A header cell as a message shows it: by its text when short, else its position."""
    return header if 0 < len(header) <= MAX_NAME else f"#{index + 1}"


def _split(r: _Row, everyone: tuple[str, ...]) -> Split:
    if r.weights is not None:
        return Shares(dict(r.weights))
    return Equal(r.participants if r.participants is not None else everyone)


def _build(r: _Row, everyone: tuple[str, ...], totals: Totals) -> Transaction | None:
    """The row's expense (None when it changes no balance), and its sums into `totals`,
    computed from the cells apart from the transaction."""
    total = abs(r.minor)
    split = _split(r, everyone)
    try:
        tx = build_expense(
            total=total,
            currency=r.currency,
            payers={r.payer: total},
            split=split,
            date=r.date,
            description=r.description,
            idempotency_key=r.key,
            category=r.category,
        )
        shares = compute_shares(total, split, seed=seed_from_key(r.key))
    except DomainError as exc:
        raise FormatError(str(exc), row=r.row) from None
    sign = 1 if r.minor > 0 else -1
    effect: dict[str, int] = defaultdict(int)
    effect[r.payer] += sign * total
    for name, share in shares.items():
        effect[name] -= sign * share
    if not any(effect.values()):
        return None
    for name, value in effect.items():
        if value:
            totals[name, r.currency] = totals.get((name, r.currency), 0) + value
    if sign > 0:
        return tx
    return Transaction(
        kind=TxKind.EXPENSE,
        postings=tuple(Posting(p.account, p.currency, -p.minor) for p in tx.postings),
        date=tx.date,
        description=tx.description,
        idempotency_key=tx.idempotency_key,
        category=tx.category,
    )


def _refuse_other_options(options: ReadOptions) -> None:
    if options.unbalanced_to is not None:
        raise FormatError("--unbalanced-to is for Splitwise exports, not --format csv")
    if options.no_footer:
        raise FormatError("--no-footer is for exports with totals lines, not --format csv")


def read(data: bytes, options: ReadOptions) -> ImportedFile:
    """A spreadsheet or bank statement read through `options.mapping`; `FormatError`
    naming the row and column (or `map: FIELD`) for anything it cannot read."""
    if options.mapping is None:
        raise FormatError(
            "--format csv needs --map (e.g. date=Date,amount=Amount,payer==ann,"
            "currency==EUR) or --map FILE"
        )
    spec = check_mapping(options.mapping)
    _refuse_other_options(options)
    if "currency" not in spec.columns and "currency" not in spec.constants:
        if options.currency is None:
            raise FormatError(
                "map: currency: is needed: a column (currency=Currency), a constant "
                "(currency==EUR) or --currency (an existing group's currency is used)"
            )
        try:
            spec.constants["currency"] = normalize_currency(options.currency)
        except DomainError as exc:
            raise FormatError(f"--currency: {exc}") from None
    text = decode(data)
    if not text.strip():
        raise FormatError("the file is empty")
    reader = csv.reader(_lines(text), delimiter=spec.delimiter, strict=True)
    # Rows become transactions as they are read; only a row split among every member,
    # when the members are not given, waits for the whole file to name them (the held
    # rows cost memory: 100,000 of them raised the import's peak past its bound).
    slots: list[Transaction | _Row] = []
    totals: Totals = {}
    counts: Counter[str] = Counter()
    no_effect = read_rows = 0
    try:
        for _ in range(spec.skip):
            next(reader)
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
        state = _Reader(spec, header, reader.line_num)
        everyone = spec.members
        for cells in reader:
            row = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            while len(cells) > state.width and not cells[-1].strip():
                cells.pop()
            if len(cells) > state.width:
                raise FormatError(
                    f"has {len(cells)} cells but the header has {state.width}", row=row
                )
            cells.extend([""] * (state.width - len(cells)))  # spreadsheets drop blank tails
            if read_rows >= MAX_ROWS:
                raise FormatError(f"more than {MAX_ROWS} rows; split the file", row=row)
            read_rows += 1
            skipped = state.skipped
            found = state.row(cells, row)
            if found is None:
                no_effect += state.skipped == skipped  # a refund left out is told apart
            else:
                counts[found.currency] += 1
                state.count(found)
                if everyone is None and found.participants is None and found.weights is None:
                    slots.append(found)
                else:
                    tx = _build(found, everyone or (), totals)
                    no_effect += tx is None
                    if tx is not None:
                        slots.append(tx)
            if options.progress is not None and read_rows % 1000 == 0:
                options.progress(read_rows)
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", row=reader.line_num) from None
    except StopIteration:
        raise FormatError("the file has no header line") from None
    del reader, text
    members = tuple(state.names.found)
    transactions: list[Transaction] = []
    for slot in slots:
        if isinstance(slot, Transaction):
            transactions.append(slot)
            continue
        tx = _build(slot, members, totals)
        no_effect += tx is None
        if tx is not None:
            transactions.append(tx)
    del slots
    notes: list[str] = []
    if state.everyone:
        source = "given in --map" if spec.members is not None else "named in the file"
        notes.append(
            f"{state.everyone} row(s) split among every member {source}: {', '.join(members)}"
        )
    if state.refunds:
        notes.append(f"{state.refunds} row(s) of the other sign booked as refunds")
    if state.skipped:
        notes.append(f"{state.skipped} row(s) of the other sign left out (refunds=skip)")
    return ImportedFile(
        format="csv",
        members=members,
        currency=min(counts, key=lambda c: (-counts[c], c)) if counts else None,
        transactions=transactions,
        totals={k: v for k, v in totals.items() if v},
        totals_from="rows",
        no_effect=no_effect,
        notes=tuple(notes),
    )
