"""Reading transactions back: one by id, by key or key prefix, after a sequence number,
their reversals and their postings, and as domain `Transaction`s."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from splitledger.domain import MAX_ID, Posting, Transaction, TxKind
from splitledger.store.records import TX_SELECT, TxRecord, tx_from
from splitledger.store.unit import LIKE_ESCAPE, Unit, like_pattern

_BY_ID = f"SELECT {TX_SELECT} FROM transactions t WHERE t.id = ?"  # noqa: S608
_BY_REVERSED = f"SELECT {TX_SELECT} FROM transactions t WHERE t.reverses_id = ?"  # noqa: S608
_BY_KEYS = f"SELECT {TX_SELECT} FROM transactions t WHERE t.idempotency_key IN ({{}})"  # noqa: S608
_AFTER_SEQ = (
    f"SELECT {TX_SELECT} FROM transactions t "  # noqa: S608
    "WHERE t.group_id = ? AND t.seq > ? ORDER BY t.seq LIMIT ?"
)
_WITH_PREFIX = (
    f"SELECT {TX_SELECT} FROM transactions t "  # noqa: S608
    f"WHERE t.idempotency_key LIKE ? ESCAPE '{LIKE_ESCAPE}' ORDER BY t.id"
)
_POSTINGS = (
    "SELECT p.transaction_id, m.name, p.currency, p.amount FROM postings p "
    "JOIN members m ON m.id = p.member_id WHERE p.transaction_id IN ({}) ORDER BY p.id"
)


def get_transaction(unit: Unit, tx_id: int) -> TxRecord | None:
    """The transaction `tx_id`; None for an id no row can have, never a driver overflow
    (PostgreSQL's id column holds 32 bits; MAX_ID bounds what is asked)."""
    if not 0 < tx_id <= MAX_ID:
        return None
    row = unit.one(_BY_ID, (tx_id,))
    return None if row is None else tx_from(unit, row)


def find_reversal(unit: Unit, tx_id: int) -> TxRecord | None:
    row = unit.one(_BY_REVERSED, (tx_id,))
    return None if row is None else tx_from(unit, row)


def reversals_of(unit: Unit, tx_ids: Sequence[int]) -> dict[int, int]:
    """For each of `tx_ids` that was reversed, the id of its reversal."""
    sql = "SELECT reverses_id, id FROM transactions WHERE reverses_id IN ({})"
    return {orig: rev for orig, rev in unit.all_in(sql, list(tx_ids)) if orig is not None}


def postings_of(unit: Unit, tx_ids: Sequence[int]) -> dict[int, list[Posting]]:
    """Domain postings (accounts are member names) of each transaction, in order."""
    out: dict[int, list[Posting]] = defaultdict(list)
    # Asked in chunks of transactions: each transaction's postings come in one chunk.
    for tx_id, name, currency, amount in unit.all_in(_POSTINGS, list(tx_ids)):
        out[tx_id].append(Posting(name, currency, int(amount)))
    return dict(out)


def to_domain(row: TxRecord, postings: Sequence[Posting]) -> Transaction:
    return Transaction(
        kind=TxKind(row.kind),
        postings=tuple(postings),
        date=row.date,
        description=row.description,
        idempotency_key=row.idempotency_key,
        category=row.category,
        reverses=row.reverses_id,
        note=row.note,
    )


def find_by_keys(unit: Unit, keys: Iterable[str]) -> dict[str, TxRecord]:
    """The transactions holding any of `keys`, by key (queried 500 keys at a time)."""
    rows = unit.all_in(_BY_KEYS, list(dict.fromkeys(keys)))
    return {record.idempotency_key: record for record in (tx_from(unit, r) for r in rows)}


def after_seq(unit: Unit, group_id: int, seq: int, limit: int) -> list[TxRecord]:
    return [tx_from(unit, r) for r in unit.all(_AFTER_SEQ, (group_id, seq, limit))]


def with_key_prefix(unit: Unit, prefix: str) -> list[TxRecord]:
    """Transactions whose idempotency key starts with `prefix`, oldest first."""
    rows = unit.all(_WITH_PREFIX, (like_pattern(prefix, prefix=True),))
    return [tx_from(unit, r) for r in rows]
