"""The complete, versioned JSON dump of one group: the backup and restore format.

Layout (version 1)::

    {"format": "splitledger-group", "version": 1, "generator": "...", "exported_at": "...",
     "rates": [{"date", "base", "quote", "rate"}] (optional),
     "group": {"name": ..., "currency": ...},
     "transactions": [{"id", "date", "kind", "description", "category", "key",
                       "reverses", "replaces", "actor",
                       "postings": [{"member", "currency", "minor"}]}, ...],
     "members": [...], "balances": [{"member", "currency", "minor"}]}

Transactions are oldest first and link to each other by idempotency key. Members and
balances come last, so the dump is written in one streaming pass in bounded memory, and
the balances are exactly the sums of the transactions written (the reader checks this,
which catches truncated or edited files).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from splitledger.domain import DomainError, Posting, Transaction, TxKind, normalize_currency
from splitledger.domain.fx import Rate, parse_rate
from splitledger.interop.errors import FormatError
from splitledger.interop.records import GroupRecord, TxRecord

FORMAT = "splitledger-group"
VERSION = 1


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def tx_to_json(tx: TxRecord) -> dict[str, Any]:
    return {
        "id": tx.id,
        "date": tx.date.isoformat(),
        "kind": tx.kind,
        "description": tx.description,
        "category": tx.category,
        "key": tx.key,
        "reverses": tx.reverses,
        "replaces": tx.replaces,
        "actor": tx.actor,
        "postings": [
            {"member": p.account, "currency": p.currency, "minor": p.minor} for p in tx.postings
        ],
    }


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
    sums: dict[tuple[str, str], int] = defaultdict(int)
    count = 0
    for tx in txs:
        out.write(("," if count else "") + "\n  " + _dumps(tx_to_json(tx)))
        for p in tx.postings:
            sums[p.account, p.currency] += p.minor
            if p.account not in known:
                known.add(p.account)
                members.append(p.account)
        count += 1
    balances = [{"member": m, "currency": c, "minor": v} for (m, c), v in sorted(sums.items()) if v]
    out.write(f'\n ],\n "members": {_dumps(members)},\n "balances": {_dumps(balances)}\n}}\n')
    return count


@dataclass(frozen=True, slots=True)
class Dump:
    group: GroupRecord
    transactions: tuple[TxRecord, ...]
    #: the domain transactions, in order, ready to import (reversals carry a placeholder
    #: `reverses` id that the importer resolves by key)
    domain: tuple[Transaction, ...]
    balances: dict[tuple[str, str], int]


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


def _tx(obj: object, where: str, ids: dict[str, int]) -> tuple[TxRecord, Transaction]:
    date_text = _get(obj, "date", str, where)
    try:
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        raise FormatError(f"{where}.date: {date_text!r} is not a date (YYYY-MM-DD)") from None
    assert isinstance(obj, dict)  # noqa: S101 (narrowed by _get)
    postings: list[Posting] = []
    for i, raw in enumerate(_get(obj, "postings", list, where)):
        at = f"{where}.postings[{i}]"
        try:
            postings.append(
                Posting(
                    _get(raw, "member", str, at),
                    _get(raw, "currency", str, at),
                    _get(raw, "minor", int, at),
                )
            )
        except DomainError as exc:
            raise FormatError(f"{at}: {exc}") from None
    record = TxRecord(
        id=_get(obj, "id", int, where),
        date=date,
        kind=_get(obj, "kind", str, where),
        description=_get(obj, "description", str, where),
        category=_get(obj, "category", str, where),
        key=_get(obj, "key", str, where),
        postings=tuple(postings),
        reverses=_opt_str(obj, "reverses", where),
        replaces=_opt_str(obj, "replaces", where),
        actor=_opt_str(obj, "actor", where) or "",
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
        try:
            rates.append(
                Rate(
                    dt.date.fromisoformat(_get(obj, "date", str, at)),
                    _get(obj, "base", str, at),
                    _get(obj, "quote", str, at),
                    parse_rate(_get(obj, "rate", str, at)),
                )
            )
        except (ValueError, DomainError) as exc:
            raise FormatError(f"{at}: {exc}") from None
    return tuple(rates)


def read_dump(text: str) -> Dump:
    """Parse and check a dump; raises `FormatError` naming the place of any problem."""
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
    group_obj = _get(data, "group", dict, "dump")
    try:
        currency = normalize_currency(_get(group_obj, "currency", str, "group"))
    except DomainError as exc:
        raise FormatError(f"group.currency: {exc}") from None
    members = _get(data, "members", list, "dump")
    if not all(isinstance(m, str) for m in members):
        raise FormatError("members: expected a list of names")
    group = GroupRecord(
        _get(group_obj, "name", str, "group"), currency, tuple(members), _rates(data)
    )
    ids: dict[str, int] = {}
    records: list[TxRecord] = []
    txs: list[Transaction] = []
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for index, raw in enumerate(_get(data, "transactions", list, "dump")):
        record, tx = _tx(raw, f"transactions[{index}]", ids)
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
        balances[_get(raw, "member", str, at), _get(raw, "currency", str, at)] = _get(
            raw, "minor", int, at
        )
    computed = {k: v for k, v in sums.items() if v}
    if computed != {k: v for k, v in balances.items() if v}:
        raise FormatError(
            "balances do not equal the sums of the transactions: the file is damaged or was edited"
        )
    return Dump(group, tuple(records), tuple(txs), balances)
