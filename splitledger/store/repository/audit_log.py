"""The append-only audit log (ADR 0006): one row per state change, with its actor and a
JSON payload."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from splitledger.store.records import AUDIT_SELECT, AuditRecord, audit_from
from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit

_PAYLOAD = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str)  # built once
_TRAIL = (
    f"SELECT {AUDIT_SELECT} FROM audit_log "  # noqa: S608
    "WHERE entity_id IN ({}) AND action LIKE ? ORDER BY id"
)


def audit(
    unit: Unit,
    *,
    actor: str,
    action: str,
    group_id: int | None,
    entity_id: int | None,
    payload: Mapping[str, Any],
) -> None:
    audit_many(
        unit,
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


def audit_many(unit: Unit, entries: Sequence[dict[str, Any]]) -> None:
    """Append audit rows; each entry has the fields of `audit`."""
    now = unit.stamp(utcnow())
    unit.insert(
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


def audit_trail(unit: Unit, entity_ids: Sequence[int]) -> list[AuditRecord]:
    """The audit rows of transactions `entity_ids` (actions `tx.*`), oldest first."""
    rows = unit.all_in(_TRAIL, list(entity_ids), ("tx.%",))
    rows.sort(key=lambda r: r[0])
    return [audit_from(unit, r) for r in rows]
