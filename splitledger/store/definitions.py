"""Expense definitions (how each bill was split) and the reads that follow a bill's
versions and a group's activity (ADR 0011).

A definition is compact JSON in `expense_definitions`, written on the write path's own
cursor beside the expense (one INSERT). Members are stored by id, as postings are, so
renaming a member rewrites no definition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from splitledger.store.records import (
    AUDIT_SELECT,
    TX_SELECT,
    AuditRecord,
    TxRecord,
    audit_from,
    tx_from,
)
from splitledger.store.unit import Unit

#: The body's format; a body always says which it is written in.
FORMAT = 1
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_INSERT = "INSERT INTO expense_definitions (transaction_id, body) VALUES (?, ?)"


class StoredReceipt(NamedTuple):
    """An itemised split's lines (description, amount, member ids sharing it) with its
    tax and tip, as normalised text."""

    items: tuple[tuple[str, str, tuple[int, ...]], ...]
    tax: str
    tip: str


class StoredDefinition(NamedTuple):
    """A definition as stored: amounts and values as normalised text, members by id.
    A payer's amount of None pays the rest; a participant's value of None takes an
    equal share."""

    amount: str
    currency: str
    paid_by: tuple[tuple[int, str | None], ...]
    split: str
    participants: tuple[tuple[int, str | None], ...]
    receipt: StoredReceipt | None = None


def encode(definition: StoredDefinition) -> str:
    body: dict[str, Any] = {
        "v": FORMAT,
        "amount": definition.amount,
        "currency": definition.currency,
        "paid_by": definition.paid_by,
        "split": definition.split,
        "for": definition.participants,
    }
    if definition.receipt is not None:  # only itemised bills carry these keys
        receipt = definition.receipt
        body.update(items=receipt.items, tax=receipt.tax, tip=receipt.tip)
    return _ENCODE(body)


def decode(body: str) -> StoredDefinition:
    data: dict[str, Any] = json.loads(body)
    if data.get("v") != FORMAT:
        raise ValueError(f"expense definition format {data.get('v')!r} is not known")
    return StoredDefinition(
        amount=str(data["amount"]),
        currency=str(data["currency"]),
        paid_by=tuple((int(m), v) for m, v in data["paid_by"]),
        split=str(data["split"]),
        participants=tuple((int(m), v) for m, v in data["for"]),
        receipt=None
        if "items" not in data
        else StoredReceipt(
            tuple((str(d), str(a), tuple(int(m) for m in ms)) for d, a, ms in data["items"]),
            str(data["tax"]),
            str(data["tip"]),
        ),
    )


_DEFINITIONS = "SELECT transaction_id, body FROM expense_definitions WHERE transaction_id IN ({})"
_TRANSACTIONS = f"SELECT {TX_SELECT} FROM transactions t WHERE t.id IN ({{}})"  # noqa: S608
_REPLACEMENTS = f"SELECT {TX_SELECT} FROM transactions t WHERE t.replaces_id IN ({{}})"  # noqa: S608
_ACTIONS = "SELECT id, entity_id, action FROM audit_log WHERE entity_id IN ({}) AND action LIKE ?"


def save(unit: Unit, tx_id: int, definition: StoredDefinition) -> None:
    """Store the definition of the expense `tx_id`, in the caller's write transaction."""
    unit.run(_INSERT, (tx_id, encode(definition)))


def load(unit: Unit, tx_ids: Sequence[int]) -> dict[int, StoredDefinition]:
    """The stored definitions of those of `tx_ids` that have one."""
    return {tx_id: decode(body) for tx_id, body in unit.all_in(_DEFINITIONS, list(tx_ids))}


def transactions(unit: Unit, tx_ids: Sequence[int]) -> dict[int, TxRecord]:
    rows = unit.all_in(_TRANSACTIONS, sorted(set(tx_ids)))
    return {record.id: record for record in (tx_from(unit, r) for r in rows)}


def replacements(unit: Unit, tx_ids: Sequence[int]) -> dict[int, TxRecord]:
    """For each of `tx_ids` that a later version replaces (an edit, a restore), that
    version (the first, should an import have linked two)."""
    rows = sorted(unit.all_in(_REPLACEMENTS, sorted(set(tx_ids))), key=lambda r: -r[0])
    records = (tx_from(unit, r) for r in rows)
    return {record.replaces_id: record for record in records if record.replaces_id}


def actions(unit: Unit, tx_ids: Sequence[int]) -> dict[int, str]:
    """The audit action that recorded each of `tx_ids` (`tx.edit`, `tx.restore`, …)."""
    rows = unit.all_in(_ACTIONS, sorted(set(tx_ids)), ("tx.%",))
    rows.sort(key=lambda r: -r[0])  # newest first: the oldest row of an id wins
    return {tx_id: action for _, tx_id, action in rows if tx_id is not None}


def audit_page(unit: Unit, group_id: int, *, before: int | None, limit: int) -> list[AuditRecord]:
    """A group's audit rows, newest first, older than `before`; the rows an import
    writes per transaction are left out (its run has a row of its own)."""
    sql = f"SELECT {AUDIT_SELECT} FROM audit_log WHERE group_id = ? AND action != 'tx.import'"  # noqa: S608
    params: list[object] = [group_id]
    if before is not None:
        sql += " AND id < ?"
        params.append(before)
    rows = unit.all(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
    return [audit_from(unit, r) for r in rows]
