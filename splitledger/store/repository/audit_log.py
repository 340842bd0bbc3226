"""The append-only audit log (ADR 0006): one row per state change, with its actor and a
JSON payload."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from splitledger.store.raw import Raw
from splitledger.store.repository.clock import utcnow
from splitledger.store.schema import (
    AuditRow,
)

_PAYLOAD = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)  # built once


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    group_id: int | None,
    entity_id: int | None,
    payload: Mapping[str, Any],
) -> None:
    audit_many(
        session,
        [
            {
                "actor": actor,
                "action": action,
                "group_id": group_id,
                "entity_id": entity_id,
                "payload": payload,
            }
        ],
    )


def audit_many(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Append audit rows; each entry has the fields of `audit`."""
    raw = Raw.of(session)
    now = raw.stamp(utcnow())
    raw.insert(
        "audit_log",
        ("at", "actor", "action", "group_id", "entity_id", "payload"),
        [
            (
                now,
                e["actor"],
                e["action"],
                e["group_id"],
                e["entity_id"],
                _PAYLOAD.encode(e["payload"]),
            )
            for e in entries
        ],
    )


def audit_trail(session: Session, entity_ids: Sequence[int]) -> list[AuditRow]:
    query = (
        select(AuditRow)
        .where(AuditRow.entity_id.in_(entity_ids), AuditRow.action.like("tx.%"))
        .order_by(AuditRow.id)
    )
    return list(session.scalars(query))
