"""The idempotency keys of write requests (ADR 0006): a key maps to the operation, the
request's fingerprint and the result id, written in the same transaction as the effect."""

from __future__ import annotations

from typing import NamedTuple

from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit


class SeenRequest(NamedTuple):
    fingerprint: str
    operation: str
    result_id: int


def find_request(unit: Unit, key: str) -> SeenRequest | None:
    row = unit.one("SELECT fingerprint, operation, result_id FROM requests WHERE key = ?", (key,))
    return None if row is None else SeenRequest(*row)


def save_request(unit: Unit, key: str, fingerprint: str, operation: str, result_id: int) -> None:
    unit.insert(
        "requests",
        ("key", "fingerprint", "operation", "result_id", "created_at"),
        [(key, fingerprint, operation, result_id, unit.stamp(utcnow()))],
    )
