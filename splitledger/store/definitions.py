"""Expense definitions (how each bill was split) and the reads that follow a bill's
versions and a group's activity (ADR 0011).

A definition is compact JSON in `expense_definitions`, written on the write path's own
cursor beside the expense (one INSERT). Members are stored by id, as postings are, so
renaming a member rewrites no definition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from splitledger.store.raw import Raw
from splitledger.store.schema import AuditRow, ExpenseDefinitionRow, TransactionRow

#: The body's format; a body always says which it is written in.
FORMAT = 1
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_INSERT = "INSERT INTO expense_definitions (transaction_id, body) VALUES (?, ?)"


@dataclass(frozen=True, slots=True)
class StoredDefinition:
    """A definition as stored: amounts and values as normalised text, members by id.
    A payer's amount of None pays the rest; a participant's value of None takes an
    equal share."""

    amount: str
    currency: str
    paid_by: tuple[tuple[int, str | None], ...]
    split: str
    participants: tuple[tuple[int, str | None], ...]


def encode(definition: StoredDefinition) -> str:
    return _ENCODE(
        {
            "v": FORMAT,
            "amount": definition.amount,
            "currency": definition.currency,
            "paid_by": definition.paid_by,
            "split": definition.split,
            "for": definition.participants,
        }
    )


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
    )


def save(session: Session, tx_id: int, definition: StoredDefinition) -> None:
    """Store the definition of the expense `tx_id`, in the caller's write transaction."""
    Raw.of(session).run(_INSERT, (tx_id, encode(definition)))


def load(session: Session, tx_ids: Sequence[int]) -> dict[int, StoredDefinition]:
    """The stored definitions of those of `tx_ids` that have one."""
    found: dict[int, StoredDefinition] = {}
    for start in range(0, len(tx_ids), 500):
        query = select(ExpenseDefinitionRow.transaction_id, ExpenseDefinitionRow.body).where(
            ExpenseDefinitionRow.transaction_id.in_(tx_ids[start : start + 500])
        )
        found.update((tx_id, decode(body)) for tx_id, body in session.execute(query))
    return found


def transactions(session: Session, tx_ids: Sequence[int]) -> dict[int, TransactionRow]:
    if not tx_ids:
        return {}
    query = select(TransactionRow).where(TransactionRow.id.in_(set(tx_ids)))
    return {row.id: row for row in session.scalars(query)}


def replacements(session: Session, tx_ids: Sequence[int]) -> dict[int, TransactionRow]:
    """For each of `tx_ids` that a later version replaces (an edit, a restore), that
    version (the first, should an import have linked two)."""
    if not tx_ids:
        return {}
    query = (
        select(TransactionRow)
        .where(TransactionRow.replaces_id.in_(set(tx_ids)))
        .order_by(TransactionRow.id.desc())
    )
    return {row.replaces_id: row for row in session.scalars(query) if row.replaces_id}


def actions(session: Session, tx_ids: Sequence[int]) -> dict[int, str]:
    """The audit action that recorded each of `tx_ids` (`tx.edit`, `tx.restore`, …)."""
    if not tx_ids:
        return {}
    query = (
        select(AuditRow.entity_id, AuditRow.action)
        .where(AuditRow.entity_id.in_(set(tx_ids)), AuditRow.action.like("tx.%"))
        .order_by(AuditRow.id.desc())
    )
    return {tx_id: action for tx_id, action in session.execute(query) if tx_id is not None}


def audit_page(
    session: Session, group_id: int, *, before: int | None, limit: int
) -> list[AuditRow]:
    """A group's audit rows, newest first, older than `before`; the rows an import
    writes per transaction are left out (its run has a row of its own)."""
    query = select(AuditRow).where(AuditRow.group_id == group_id, AuditRow.action != "tx.import")
    if before is not None:
        query = query.where(AuditRow.id < before)
    return list(session.scalars(query.order_by(AuditRow.id.desc()).limit(limit)))
