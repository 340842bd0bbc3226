"""Tamper evidence: each transaction's hash commits to its content, its postings and the
previous transaction's hash in the same group. Editing any of them behind the app's back
breaks the chain from that point on, which `verify` reports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

GENESIS = "0" * 64
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once


def transaction_hash(
    *,
    prev_hash: str,
    group_id: int,
    seq: int,
    kind: str,
    date: dt.date,
    description: str,
    category: str,
    idempotency_key: str,
    reverses_id: int | None,
    replaces_id: int | None,
    actor: str,
    postings: Sequence[tuple[int, str, int]],
    note: str = "",
) -> str:
    """SHA-256 over the previous hash and a canonical JSON form of the transaction.
    A note is hashed only when there is one, so hashes written before notes existed
    (revision 0005) stay valid.
    (hashlib is imported here: a read never hashes, and its import costs a command ~3 ms.)"""
    import hashlib

    fields: list[object] = [
        group_id,
        seq,
        kind,
        date.isoformat(),
        description,
        category,
        idempotency_key,
        reverses_id,
        replaces_id,
        actor,
        [list(p) for p in postings],
    ]
    if note:
        fields.append(note)
    body = _CANONICAL.encode(fields)
    return hashlib.sha256(f"{prev_hash}:{body}".encode()).hexdigest()
