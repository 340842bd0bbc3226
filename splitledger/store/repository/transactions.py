"""Reading transactions back: one by id, by key or key prefix, after a sequence number,
their reversals and their postings, and as domain `Transaction`s."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import BigInteger, bindparam, select
from sqlalchemy.orm import Session

from splitledger.domain import MAX_ID, Posting, Transaction, TxKind
from splitledger.store.raw import Raw
from splitledger.store.schema import (
    MemberRow,
    PostingRow,
    TransactionRow,
)


def get_transaction(session: Session, tx_id: int) -> TransactionRow | None:
    """The transaction `tx_id`; None for an id no row can have, never a driver overflow:
    the id is bound as a 64-bit integer (PostgreSQL's id column holds 32 bits, and an
    id beyond them, bound as that column's type, is an error there)."""
    if not 0 < tx_id <= MAX_ID:
        return None
    wanted = bindparam("tx_id", tx_id, type_=BigInteger)
    return session.scalars(select(TransactionRow).where(TransactionRow.id == wanted)).one_or_none()


def find_reversal(session: Session, tx_id: int) -> TransactionRow | None:
    query = select(TransactionRow).where(TransactionRow.reverses_id == tx_id)
    return session.scalars(query).one_or_none()


def reversals_of(session: Session, tx_ids: Sequence[int]) -> dict[int, int]:
    """For each of `tx_ids` that was reversed, the id of its reversal."""
    query = select(TransactionRow.reverses_id, TransactionRow.id).where(
        TransactionRow.reverses_id.in_(tx_ids)
    )
    return {orig: rev for orig, rev in session.execute(query) if orig is not None}


def postings_of(session: Session, tx_ids: Sequence[int]) -> dict[int, list[Posting]]:
    """Domain postings (accounts are member names) of each transaction, in order."""
    query = (
        select(PostingRow.transaction_id, MemberRow.name, PostingRow.currency, PostingRow.amount)
        .join(MemberRow, MemberRow.id == PostingRow.member_id)
        .where(PostingRow.transaction_id.in_(tx_ids))
        .order_by(PostingRow.id)
    )
    out: dict[int, list[Posting]] = defaultdict(list)
    for tx_id, name, currency, amount in session.execute(query):
        out[tx_id].append(Posting(name, currency, amount))
    return dict(out)


def to_domain(row: TransactionRow, postings: Sequence[Posting]) -> Transaction:
    return Transaction(
        kind=TxKind(row.kind),
        postings=tuple(postings),
        date=row.date,
        description=row.description,
        idempotency_key=row.idempotency_key,
        category=row.category,
        reverses=row.reverses_id,
    )


def find_by_keys(session: Session, keys: Iterable[str]) -> dict[str, TransactionRow]:
    """The transactions holding any of `keys`, by key (queried 500 keys at a time). Keys
    are first checked with plain queries: on a fresh import none is found, and loading
    nothing through the ORM still cost ~7 ms a chunk (profiled)."""
    raw = Raw.of(session)
    sql = "SELECT idempotency_key FROM transactions WHERE idempotency_key IN ({})"
    wanted: list[str] = [r[0] for r in raw.all_in(sql, list(dict.fromkeys(keys)))]
    found: dict[str, TransactionRow] = {}
    for start in range(0, len(wanted), 500):
        query = select(TransactionRow).where(
            TransactionRow.idempotency_key.in_(wanted[start : start + 500])
        )
        found.update({row.idempotency_key: row for row in session.scalars(query)})
    return found


def after_seq(session: Session, group_id: int, seq: int, limit: int) -> list[TransactionRow]:
    query = (
        select(TransactionRow)
        .where(TransactionRow.group_id == group_id, TransactionRow.seq > seq)
        .order_by(TransactionRow.seq)
        .limit(limit)
    )
    return list(session.scalars(query))


def with_key_prefix(session: Session, prefix: str) -> list[TransactionRow]:
    """Transactions whose idempotency key starts with `prefix`, oldest first."""
    query = (
        select(TransactionRow)
        .where(TransactionRow.idempotency_key.startswith(prefix, autoescape=True))
        .order_by(TransactionRow.id)
    )
    return list(session.scalars(query))
