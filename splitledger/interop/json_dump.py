"""The complete, versioned JSON dump of one group: the backup and restore format.

Layout (version 2)::

    {"format": "splitledger-group", "version": 2, "generator": "...", "exported_at": "...",
     "rates": [{"date", "base", "quote", "rate"}] (optional),
     "group": {"name": ..., "currency": ...},
     "transactions": [{"id", "date", "kind", "description", "category", "key",
                       "reverses", "replaces", "actor", "note" (only when not empty),
                       "postings": [{"member", "currency", "minor"}]}, ...],
     "members": [...], "balances": [{"member", "currency", "minor"}],
     "currencies": {"EUR": 2, "HUF": 0, ...}}

Transactions are oldest first and link to each other by idempotency key. Members,
balances and currencies come last, so the dump is written in one streaming pass in
bounded memory, and the balances are exactly the sums of the transactions written (the
reader checks this, which catches truncated or edited files).

"minor" amounts are integers at each currency's exponent (decimal places), which the
ledger fixed when it first used the currency (ADR 0002); "currencies" carries it, since
ledgers may differ (HUF is 0 in a ledger that used it before ISO 4217 exponents, 2 in a
new one). Version 1 had no "currencies": its amounts are at the CLDR exponents that every
splitledger of that time used (`_V1_EXPONENTS`). The reader returns amounts at the
exponents of the ledger being restored into, rescaled exactly, or refuses the file.
Restored names, descriptions, categories and notes pass the same input policy as typed
ones (ADR 0010); one that does not refuses the file, naming the item and field.

A transaction's "note" came within version 2: written only when there is one, so a dump
without notes is what it was, and read as '' when absent. (A reader from before notes
ignores the field: restoring with it loses the notes, nothing else.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO

from splitledger.domain import (
    DomainError,
    Posting,
    Transaction,
    TxKind,
    check_date,
    clean_text,
    exponent,
    normalize_currency,
)
from splitledger.domain.currency import MAX_EXPONENT
from splitledger.domain.fx import Rate, parse_rate
from splitledger.interop.errors import FormatError
from splitledger.interop.records import GroupRecord, TxRecord

FORMAT = "splitledger-group"
#: 2 added "currencies" (the exponent of each currency's amounts); a reader of version 1
#: would take amounts of HUF, IDR, COP, IQD... at the wrong scale, so it must refuse.
VERSION = 2

#: The exponents of version 1 dumps: what babel 2.19.0 (CLDR 49) gave for every code it
#: knew whose digits are not 2 (all others were 2). Frozen history, the same table as
#: migration 0003's; never edit it.
_V1_EXPONENTS = {
    "ADP": 0, "AFN": 0, "ALL": 0, "BHD": 3, "BIF": 0, "BYR": 0, "CLF": 4, "CLP": 0,
    "COP": 0, "DJF": 0, "ESP": 0, "GNF": 0, "HUF": 0, "IDR": 0, "IQD": 0, "IRR": 0,
    "ISK": 0, "ITL": 0, "JOD": 3, "JPY": 0, "KMF": 0, "KPW": 0, "KRW": 0, "KWD": 3,
    "LAK": 0, "LBP": 0, "LUF": 0, "LYD": 3, "MGA": 0, "MGF": 0, "MMK": 0, "MRO": 0,
    "OMR": 3, "PYG": 0, "RWF": 0, "SLL": 0, "SOS": 0, "STD": 0, "SYP": 0, "TMM": 0,
    "TND": 3, "TRL": 0, "UGX": 0, "UYI": 0, "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0,
    "XOF": 0, "XPF": 0, "YER": 0, "ZMK": 0, "ZWD": 0,
}  # fmt: skip
_V1_DEFAULT = 2
#: Longest names and texts, as for typed input (services/inputs.py).
MAX_NAME, MAX_DESCRIPTION, MAX_CATEGORY, MAX_NOTE = 100, 500, 100, 2000


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def tx_to_json(tx: TxRecord) -> dict[str, Any]:
    found: dict[str, Any] = {
        "id": tx.id,
        "date": tx.date.isoformat(),
        "kind": tx.kind,
        "description": tx.description,
        "category": tx.category,
        "key": tx.key,
        "reverses": tx.reverses,
        "replaces": tx.replaces,
        "actor": tx.actor,
    }
    if tx.note:
        found["note"] = tx.note
    found["postings"] = [
        {"member": p.account, "currency": p.currency, "minor": p.minor} for p in tx.postings
    ]
    return found


def write_dump(
    out: TextIO,
    group: GroupRecord,
    txs: Iterable[TxRecord],
    *,
    generator: str,
    exported_at: dt.datetime,
) -> int:
    """Write the dump in one pass; returns the number of transactions."""
    head = {
        "format": FORMAT,
        "version": VERSION,
        "generator": generator,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "group": {"name": group.name, "currency": group.currency},
        "rates": [
            {
                "date": r.date.isoformat(),
                "base": r.base,
                "quote": r.quote,
                "rate": format(r.rate.normalize(), "f"),
            }
            for r in group.rates
        ],
    }
    out.write(_dumps(head)[:-1] + ',\n "transactions": [')
    members = list(group.members)
    known = set(members)
    codes = {group.currency, *(c for r in group.rates for c in (r.base, r.quote))}
    sums: dict[tuple[str, str], int] = defaultdict(int)
    count = 0
    for tx in txs:
        out.write(("," if count else "") + "\n  " + _dumps(tx_to_json(tx)))
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
            codes.add(p.currency)
            if p.account not in known:
                known.add(p.account)
                members.append(p.account)
        count += 1
    balances = [{"member": m, "currency": c, "minor": v} for (m, c), v in sorted(sums.items()) if v]
    scales = {code: exponent(code) for code in sorted(codes)}
    out.write(
        f'\n ],\n "members": {_dumps(members)},\n "balances": {_dumps(balances)},'
        f'\n "currencies": {_dumps(scales)}\n}}\n'
    )
    return count


@dataclass(frozen=True, slots=True)
class Dump:
    group: GroupRecord
    transactions: tuple[TxRecord, ...]
    #: the domain transactions, in order, ready to import (reversals carry a placeholder
    #: `reverses` id that the importer resolves by key)
    domain: tuple[Transaction, ...]
    balances: dict[tuple[str, str], int]
    #: each currency's exponent as the file gave it (version 1: the CLDR ones). Every
    #: amount above is already at this program's exponent (`domain.exponent`).
    exponents: dict[str, int]


def _get(obj: object, name: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict) or name not in obj:
        raise FormatError(f"{where}: {name!r} is missing")
    value = obj[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        names = {str: "text", int: "an integer", list: "a list", dict: "an object"}
        raise FormatError(
            f"{where}.{name}: expected {names.get(kind, kind.__name__)}, "
            f"found {type(value).__name__}"
        )
    return value


def _opt_str(obj: dict[str, Any], name: str, where: str) -> str | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, str):
        raise FormatError(f"{where}.{name}: expected text or null")
    return value


def _text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    """Restored free text under the input policy (ADR 0010), or `FormatError` naming
    the item and field."""
    try:
        return clean_text(value, field=field, max_length=max_length, required=required)
    except DomainError as exc:
        raise FormatError(str(exc)) from None


def _currency(code: str, where: str) -> str:
    try:
        return normalize_currency(code)
    except DomainError as exc:
        raise FormatError(f"{where}: {exc}") from None


def _places(count: int) -> str:
    return "whole units" if count == 0 else f"{count} decimal places"


class _Scales:
    """The file's amounts at this program's exponents (the open ledger's pins, else ISO
    4217): multiplied exactly, divided only when nothing is lost, else refused."""

    def __init__(self, written: dict[str, int] | None) -> None:
        self.written = written  # None: a version 1 file
        self.used: dict[str, int] = {}  # the file's exponent of each code with amounts
        self._target: dict[str, int] = {}

    def __call__(self, minor: int, code: str, where: str) -> int:
        target = self._target.get(code)
        if target is None:
            target = self._target[code] = self._learn(code, where)
        source = self.used[code]
        factor: int = 10 ** abs(target - source)
        if target >= source:
            return minor * factor
        whole, rest = divmod(minor, factor)
        if rest:
            amount = format(Decimal(minor).scaleb(-source), "f")
            raise FormatError(
                f"{where}: {amount} {code} cannot be kept exactly: this ledger counts {code} "
                f"in {_places(target)}"
            )
        return whole

    def _learn(self, code: str, where: str) -> int:
        if self.written is None:
            self.used[code] = _V1_EXPONENTS.get(code, _V1_DEFAULT)
        elif code in self.written:
            self.used[code] = self.written[code]
        else:
            raise FormatError(
                f'{where}: {code} has amounts but "currencies" does not give its decimal places'
            )
        try:
            return exponent(code)
        except DomainError as exc:
            raise FormatError(f"{where}: {exc}") from None


def _written_exponents(data: dict[str, Any], version: int) -> dict[str, int] | None:
    """The "currencies" object of a version 2 file (None for version 1)."""
    if version < 2:
        return None
    found = _get(data, "currencies", dict, "dump")
    exponents: dict[str, int] = {}
    for code, places in found.items():
        if (
            isinstance(places, bool)
            or not isinstance(places, int)
            or not 0 <= places <= MAX_EXPONENT
        ):
            raise FormatError(
                f"currencies.{code}: expected a number of decimal places from 0 to {MAX_EXPONENT}"
            )
        exponents[code] = places
    return exponents


def _date(obj: object, where: str) -> dt.date:
    """The "date" of `obj`: YYYY-MM-DD, within the ledger's range (domain.limits)."""
    text = _get(obj, "date", str, where)
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise FormatError(f"{where}.date: {text!r} is not a date (YYYY-MM-DD)") from None
    try:
        return check_date(date, field=f"{where}.date")
    except DomainError as exc:
        raise FormatError(str(exc)) from None


def _tx(
    obj: object, where: str, ids: dict[str, int], scales: _Scales
) -> tuple[TxRecord, Transaction]:
    date = _date(obj, where)
    assert isinstance(obj, dict)  # noqa: S101 (narrowed by _get)
    postings: list[Posting] = []
    for i, raw in enumerate(_get(obj, "postings", list, where)):
        at = f"{where}.postings[{i}]"
        member = _text(_get(raw, "member", str, at), f"{at}.member", MAX_NAME)
        code = _currency(_get(raw, "currency", str, at), f"{at}.currency")
        minor = scales(_get(raw, "minor", int, at), code, at)
        try:
            postings.append(Posting(member, code, minor))
        except DomainError as exc:
            raise FormatError(f"{at}: {exc}") from None
    record = TxRecord(
        id=_get(obj, "id", int, where),
        date=date,
        kind=_get(obj, "kind", str, where),
        description=_text(
            _get(obj, "description", str, where), f"{where}.description", MAX_DESCRIPTION
        ),
        category=_text(
            _get(obj, "category", str, where),
            f"{where}.category",
            MAX_CATEGORY,
            required=False,
        ),
        key=_get(obj, "key", str, where),
        postings=tuple(postings),
        reverses=_opt_str(obj, "reverses", where),
        replaces=_opt_str(obj, "replaces", where),
        actor=_opt_str(obj, "actor", where) or "",
        note=_text(_opt_str(obj, "note", where) or "", f"{where}.note", MAX_NOTE, required=False),
    )
    if record.kind not in {k.value for k in TxKind}:
        raise FormatError(f"{where}.kind: unknown kind {record.kind!r}")
    for link in (record.reverses, record.replaces):
        if link is not None and link not in ids:
            raise FormatError(f"{where}: links to {link!r}, which no earlier transaction has")
    try:
        tx = Transaction(
            kind=TxKind(record.kind),
            postings=record.postings,
            date=record.date,
            description=record.description,
            idempotency_key=record.key,
            category=record.category,
            reverses=ids[record.reverses] if record.reverses else None,
            note=record.note,
        )
    except DomainError as exc:
        raise FormatError(f"{where}: {exc}") from None
    return record, tx


def _rates(data: dict[str, Any]) -> tuple[Rate, ...]:
    """The optional "rates" list (absent from dumps written before rates existed)."""
    raw = data.get("rates", [])
    if not isinstance(raw, list):
        raise FormatError("rates: expected a list")
    rates: list[Rate] = []
    for index, obj in enumerate(raw):
        at = f"rates[{index}]"
        date = _date(obj, at)
        try:
            rates.append(
                Rate(
                    date,
                    _get(obj, "base", str, at),
                    _get(obj, "quote", str, at),
                    parse_rate(_get(obj, "rate", str, at)),
                )
            )
        except ValueError as exc:  # the domain's errors are ValueErrors
            raise FormatError(f"{at}: {exc}") from None
    return tuple(rates)


def read_dump(text: str) -> Dump:
    """Parse and check a dump; raises `FormatError` naming the place of any problem.

    Amounts come back at this program's exponents (see the module's docstring), so read
    a dump with the ledger it is restored into open.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not JSON: {exc.msg}", row=exc.lineno) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormatError(f'not a splitledger group dump (no "format": "{FORMAT}")')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise FormatError("version: expected an integer")
    if version > VERSION:
        raise FormatError(
            f"version {version} was written by a newer splitledger (this one reads up to "
            f"{VERSION}); upgrade splitledger"
        )
    scales = _Scales(_written_exponents(data, version))
    group_obj = _get(data, "group", dict, "dump")
    currency = _currency(_get(group_obj, "currency", str, "group"), "group.currency")
    members = _get(data, "members", list, "dump")
    if not all(isinstance(m, str) for m in members):
        raise FormatError("members: expected a list of names")
    group = GroupRecord(
        _text(_get(group_obj, "name", str, "group"), "group.name", MAX_NAME),
        currency,
        tuple(_text(m, f"members[{i}]", MAX_NAME) for i, m in enumerate(members)),
        _rates(data),
    )
    ids: dict[str, int] = {}
    records: list[TxRecord] = []
    txs: list[Transaction] = []
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for index, raw in enumerate(_get(data, "transactions", list, "dump")):
        record, tx = _tx(raw, f"transactions[{index}]", ids, scales)
        if record.key in ids:
            raise FormatError(f"transactions[{index}].key: {record.key!r} appears twice")
        ids[record.key] = record.id
        records.append(record)
        txs.append(tx)
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
    balances: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(_get(data, "balances", list, "dump")):
        at = f"balances[{index}]"
        member = _text(_get(raw, "member", str, at), f"{at}.member", MAX_NAME)
        code = _currency(_get(raw, "currency", str, at), f"{at}.currency")
        balances[member, code] = scales(_get(raw, "minor", int, at), code, at)
    computed = {k: v for k, v in sums.items() if v}
    if computed != {k: v for k, v in balances.items() if v}:
        raise FormatError(
            "balances do not equal the sums of the transactions: the file is damaged or was edited"
        )
    return Dump(group, tuple(records), tuple(txs), balances, dict(scales.used))
