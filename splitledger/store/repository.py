"""Data access for the ledger: every function works inside the caller's Session (the
unit of work); none commits. Writes go through `append_transactions`, which keeps the
postings, the maintained balances and the hash chain consistent in one DB transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from splitledger.domain import Posting, Transaction, TxKind
from splitledger.store.chain import GENESIS, transaction_hash
from splitledger.store.schema import (
    AuditRow,
    BalanceRow,
    Base,
    GroupRow,
    MemberRow,
    PostingRow,
    RateRow,
    RequestRow,
    SpendingRow,
    TransactionRow,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- groups and members -------------------------------------------------------------


def find_group(session: Session, name: str, *, lock: bool = False) -> GroupRow | None:
    """The group called `name`; with `lock`, its row is locked until commit (PostgreSQL
    `FOR UPDATE`; SQLite's BEGIN IMMEDIATE already holds the write lock)."""
    query = select(GroupRow).where(GroupRow.name == name)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def lock_group(session: Session, group_id: int) -> GroupRow:
    query = select(GroupRow).where(GroupRow.id == group_id).with_for_update()
    return session.scalars(query).one()


def group_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    query = select(GroupRow.id, GroupRow.name).where(GroupRow.id.in_(set(ids)))
    return {gid: name for gid, name in session.execute(query)}


def list_groups(session: Session) -> list[GroupRow]:
    return list(session.scalars(select(GroupRow).order_by(GroupRow.name)))


def add_group(session: Session, name: str, currency: str) -> GroupRow:
    group = GroupRow(
        name=name, currency=currency, created_at=utcnow(), head_seq=0, head_hash=GENESIS
    )
    session.add(group)
    session.flush()
    return group


def members(session: Session, group_id: int, *, include_archived: bool = False) -> list[MemberRow]:
    """The group's members in joining order (removed ones only when asked)."""
    query = select(MemberRow).where(MemberRow.group_id == group_id).order_by(MemberRow.id)
    if not include_archived:
        query = query.where(MemberRow.archived_at.is_(None), MemberRow.kind == "member")
    return list(session.scalars(query))


def add_member(session: Session, group_id: int, name: str, *, kind: str = "member") -> MemberRow:
    member = MemberRow(group_id=group_id, name=name, created_at=utcnow(), kind=kind)
    session.add(member)
    session.flush()
    return member


# -- idempotency and audit ----------------------------------------------------------


def find_request(session: Session, key: str) -> RequestRow | None:
    return session.get(RequestRow, key)


def save_request(
    session: Session, key: str, fingerprint: str, operation: str, result_id: int
) -> None:
    session.execute(
        insert(RequestRow).values(
            key=key,
            fingerprint=fingerprint,
            operation=operation,
            result_id=result_id,
            created_at=utcnow(),
        )
    )


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    group_id: int | None,
    entity_id: int | None,
    payload: Mapping[str, Any],
) -> None:
    session.execute(
        insert(AuditRow).values(
            at=utcnow(),
            actor=actor,
            action=action,
            group_id=group_id,
            entity_id=entity_id,
            payload=json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str),
        )
    )


def audit_many(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Append several audit rows at once; each entry has the fields of `audit`."""
    now = _db_value(session, utcnow())
    _raw_insert_many(
        session,
        "audit_log",
        ("at", "actor", "action", "group_id", "entity_id", "payload"),
        [
            (
                now,
                e["actor"],
                e["action"],
                e["group_id"],
                e["entity_id"],
                json.dumps(e["payload"], sort_keys=True, ensure_ascii=False, default=str),
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


# -- transactions -------------------------------------------------------------------


# Statements of the write path, built once: rebuilding ON CONFLICT clauses per call cost
# ~2 ms each (profiled); both SQLite and PostgreSQL accept this upsert syntax.
_UPSERT_BALANCE = text(
    "INSERT INTO balances (member_id, currency, group_id, amount) "
    "VALUES (:member_id, :currency, :group_id, :amount) "
    "ON CONFLICT (member_id, currency) DO UPDATE SET amount = balances.amount + excluded.amount"
)
_UPSERT_SPENDING = text(
    "INSERT INTO spending (group_id, currency, amount) VALUES (:group_id, :currency, :amount) "
    "ON CONFLICT (group_id, currency) DO UPDATE SET amount = spending.amount + excluded.amount"
)
_TX_TABLE = Base.metadata.tables["transactions"]
_GROUPS_TABLE = Base.metadata.tables["groups"]
_INSERT_TX = insert(_TX_TABLE).returning(_TX_TABLE.c.id)
_ADVANCE_HEAD = (
    update(_GROUPS_TABLE)
    .where(_GROUPS_TABLE.c.id == bindparam("group_id"))
    .values(head_seq=bindparam("seq"), head_hash=bindparam("digest"))
)


@dataclass(frozen=True, slots=True)
class Written:
    """What `append_transactions` wrote for one transaction (a plain value, not an ORM
    row: building instrumented rows cost ~0.1 ms each on bulk imports)."""

    id: int
    group_id: int
    seq: int
    kind: str
    date: dt.date
    description: str
    category: str
    idempotency_key: str
    reverses_id: int | None
    replaces_id: int | None
    actor: str
    created_at: dt.datetime
    prev_hash: str
    hash: str


# Order matters: append_transactions fills "date" (4th) and "created_at" (11th) specially.
_TX_COLUMNS = (
    "group_id",
    "seq",
    "kind",
    "date",
    "description",
    "category",
    "idempotency_key",
    "reverses_id",
    "replaces_id",
    "actor",
    "created_at",
    "prev_hash",
    "hash",
)


def _raw_insert_many(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """executemany straight through the DBAPI driver. SQLAlchemy's per-row parameter
    processing cost ~4 µs a value on bulk imports (profiled); values here are already
    plain ints, strings, dates and (for PostgreSQL) aware datetimes."""
    if not rows:
        return
    mark = "?" if session.get_bind().dialect.name == "sqlite" else "%s"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names are constants)
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    session.connection().exec_driver_sql(sql, list(rows))


def _db_value(session: Session, value: Any) -> Any:
    """A value as SQLAlchemy would bind it: SQLite keeps dates and naive UTC datetimes as
    ISO text (the same format the ORM writes and reads back)."""
    if session.get_bind().dialect.name != "sqlite":
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """`count` new primary keys for `table`, taken under the caller's write lock
    (SQLite: after the current maximum; PostgreSQL: from the table's sequence)."""
    if session.get_bind().dialect.name == "sqlite":
        top = session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one()  # noqa: S608
        return list(range(int(top) + 1, int(top) + 1 + count))
    query = text(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608
        "FROM generate_series(1, :n)"
    )
    return [int(v) for v in session.execute(query, {"n": count}).scalars()]


def append_transactions(
    session: Session,
    group: GroupRow,
    items: Sequence[tuple[Transaction, int | None]],
    member_ids: Mapping[str, int],
    *,
    actor: str,
) -> list[Written]:
    """Insert transactions (each with the id it replaces, if an edit) with their postings,
    extend the group's hash chain, and apply them to the maintained balances and spending,
    in a handful of statements however many there are. `group` must be locked by the
    caller. Returns what was written, in order."""
    if not items:
        return []
    now = utcnow()
    seq, prev = group.head_seq, group.head_hash
    rows: list[dict[str, Any]] = []
    postings: list[list[tuple[int, str, int]]] = []
    for tx, replaces_id in items:
        seq += 1
        tx_postings = [(member_ids[p.account], p.currency, p.minor) for p in tx.postings]
        fields: dict[str, Any] = {
            "group_id": group.id,
            "seq": seq,
            "kind": tx.kind.value,
            "date": tx.date,
            "description": tx.description,
            "category": tx.category,
            "idempotency_key": tx.idempotency_key,
            "reverses_id": tx.reverses,
            "replaces_id": replaces_id,
            "actor": actor,
        }
        digest = transaction_hash(prev_hash=prev, postings=tx_postings, **fields)
        fields.update(created_at=now, prev_hash=prev, hash=digest)
        rows.append(fields)
        postings.append(tx_postings)
        prev = digest
    if len(rows) == 1:
        ids = [session.execute(_INSERT_TX, rows[0]).scalar_one()]
        _raw_insert_many(
            session,
            "postings",
            ("transaction_id", "member_id", "currency", "amount"),
            [(ids[0], m, c, a) for m, c, a in postings[0]],
        )
    else:
        ids = _reserve_ids(session, "transactions", len(rows))
        created = _db_value(session, now)
        sqlite = session.get_bind().dialect.name == "sqlite"
        _raw_insert_many(
            session,
            "transactions",
            ("id", *_TX_COLUMNS),
            [
                (
                    tx_id,
                    *(f[c] for c in _TX_COLUMNS[:3]),
                    f["date"].isoformat() if sqlite else f["date"],
                    *(f[c] for c in _TX_COLUMNS[4:10]),
                    created,
                    f["prev_hash"],
                    f["hash"],
                )
                for tx_id, f in zip(ids, rows, strict=True)
            ],
        )
        _raw_insert_many(
            session,
            "postings",
            ("transaction_id", "member_id", "currency", "amount"),
            [
                (tx_id, m, c, a)
                for tx_id, tx_postings in zip(ids, postings, strict=True)
                for m, c, a in tx_postings
            ],
        )
    _apply_balances(session, group.id, (p for tx_postings in postings for p in tx_postings))
    _apply_spending(session, group.id, [tx for tx, _ in items])
    session.execute(_ADVANCE_HEAD, {"group_id": group.id, "seq": seq, "digest": prev})
    set_committed_value(group, "head_seq", seq)
    set_committed_value(group, "head_hash", prev)
    return [Written(id=tx_id, **fields) for tx_id, fields in zip(ids, rows, strict=True)]


def _apply_spending(session: Session, group_id: int, txs: Sequence[Transaction]) -> None:
    """Expenses add what was paid; the reversal of an expense takes it back."""
    reversed_ids = [tx.reverses for tx in txs if tx.reverses is not None]
    kinds: dict[int, str] = {}
    for start in range(0, len(reversed_ids), 500):
        chunk = reversed_ids[start : start + 500]
        query = select(TransactionRow.id, TransactionRow.kind).where(TransactionRow.id.in_(chunk))
        kinds.update({tx_id: kind for tx_id, kind in session.execute(query)})
    spent: dict[str, int] = defaultdict(int)
    for tx in txs:
        if tx.kind is TxKind.EXPENSE:
            sign = 1
        elif tx.reverses is not None and kinds.get(tx.reverses) == TxKind.EXPENSE.value:
            sign = -1
        else:
            continue
        for p in tx.postings:
            if p.minor * sign > 0:
                spent[p.currency] += p.minor
    if spent:
        session.execute(
            _UPSERT_SPENDING,
            [{"group_id": group_id, "currency": c, "amount": a} for c, a in sorted(spent.items())],
        )


def _apply_balances(
    session: Session, group_id: int, postings: Iterable[tuple[int, str, int]]
) -> None:
    deltas: dict[tuple[int, str], int] = defaultdict(int)
    for member_id, currency, amount in postings:
        deltas[member_id, currency] += amount
    session.execute(
        _UPSERT_BALANCE,
        [  # sorted: rows are locked in a fixed order (no deadlocks)
            {"member_id": m, "currency": c, "group_id": group_id, "amount": a}
            for (m, c), a in sorted(deltas.items())
        ],
    )


def get_transaction(session: Session, tx_id: int) -> TransactionRow | None:
    return session.get(TransactionRow, tx_id)


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


def balances(session: Session, group_id: int) -> list[tuple[str, str, int]]:
    """(member, currency, amount) from the maintained balances: O(members)."""
    query = (
        select(MemberRow.name, BalanceRow.currency, BalanceRow.amount)
        .join(MemberRow, MemberRow.id == BalanceRow.member_id)
        .where(BalanceRow.group_id == group_id)
        .order_by(MemberRow.name, BalanceRow.currency)
    )
    return [(n, c, a) for n, c, a in session.execute(query)]


def total_spent(session: Session, group_id: int) -> dict[str, int]:
    """Per currency, what was paid for expenses not reversed (maintained: O(currencies))."""
    query = select(SpendingRow.currency, SpendingRow.amount).where(
        SpendingRow.group_id == group_id, SpendingRow.amount != 0
    )
    return {currency: amount for currency, amount in session.execute(query)}


def spent_from_postings(session: Session, group_id: int) -> dict[str, int]:
    """The same as `total_spent`, summed from the postings (for `verify`)."""
    reversed_ids = select(TransactionRow.reverses_id).where(
        TransactionRow.group_id == group_id, TransactionRow.reverses_id.is_not(None)
    )
    query = (
        select(PostingRow.currency, func.sum(PostingRow.amount))
        .join(TransactionRow, TransactionRow.id == PostingRow.transaction_id)
        .where(
            TransactionRow.group_id == group_id,
            TransactionRow.kind == TxKind.EXPENSE.value,
            PostingRow.amount > 0,
            TransactionRow.id.not_in(reversed_ids),
        )
        .group_by(PostingRow.currency)
    )
    return {currency: int(amount) for currency, amount in session.execute(query)}


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What `history` may narrow by; every field is optional."""

    text: str | None = None
    member: str | None = None
    category: str | None = None
    kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def history_query(group_id: int, flt: HistoryFilter) -> Select[TransactionRow]:
    query = select(TransactionRow).where(TransactionRow.group_id == group_id)
    if flt.text:
        pattern = f"%{flt.text.lower()}%"
        query = query.where(
            or_(
                func.lower(TransactionRow.description).like(pattern),
                func.lower(TransactionRow.category).like(pattern),
            )
        )
    if flt.category:
        query = query.where(func.lower(TransactionRow.category) == flt.category.lower())
    if flt.kind:
        query = query.where(TransactionRow.kind == flt.kind)
    if flt.date_from:
        query = query.where(TransactionRow.date >= flt.date_from)
    if flt.date_to:
        query = query.where(TransactionRow.date <= flt.date_to)
    if flt.member:
        touched = (
            select(PostingRow.transaction_id)
            .join(MemberRow, MemberRow.id == PostingRow.member_id)
            .where(MemberRow.group_id == group_id, MemberRow.name == flt.member)
        )
        query = query.where(TransactionRow.id.in_(touched))
    return query


def history(
    session: Session,
    group_id: int,
    flt: HistoryFilter,
    *,
    limit: int,
    before: tuple[dt.date, int] | None = None,
) -> list[TransactionRow]:
    """Newest first (by date, then id), keyset-paged: pass the last row's (date, id) as
    `before` for the next page, so deep pages cost the same as the first."""
    query = history_query(group_id, flt)
    if before is not None:
        date, tx_id = before
        query = query.where(
            or_(
                TransactionRow.date < date,
                and_(TransactionRow.date == date, TransactionRow.id < tx_id),
            )
        )
    query = query.order_by(TransactionRow.date.desc(), TransactionRow.id.desc()).limit(limit)
    return list(session.scalars(query))


def find_by_keys(session: Session, keys: Iterable[str]) -> dict[str, TransactionRow]:
    """The transactions holding any of `keys`, by key (queried 500 keys at a time)."""
    wanted = list(dict.fromkeys(keys))
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


def change_token(session: Session, group: str | None) -> tuple[object, ...]:
    """For all groups (count, max id, sum of heads); for one group (id, name, head
    sequence, member names). Each changes on any write that a screen would show."""
    if group is None:
        row = session.execute(
            select(func.count(GroupRow.id), func.max(GroupRow.id), func.sum(GroupRow.head_seq))
        ).one()
        return tuple(row)
    found = find_group(session, group)
    if found is None:
        return ("missing", group)
    names = tuple(m.name for m in members(session, found.id))  # O(members): renames show
    return (found.id, found.name, found.head_seq, names)  # removals change `names` too


def rates(session: Session, group_id: int) -> list[RateRow]:
    query = (
        select(RateRow)
        .where(RateRow.group_id == group_id)
        .order_by(RateRow.date, RateRow.base, RateRow.quote)
    )
    return list(session.scalars(query))


def find_rate(
    session: Session, group_id: int, date: dt.date, base: str, quote: str
) -> RateRow | None:
    query = select(RateRow).where(
        RateRow.group_id == group_id,
        RateRow.date == date,
        RateRow.base == base,
        RateRow.quote == quote,
    )
    return session.scalars(query).one_or_none()


def add_rate(
    session: Session, group_id: int, date: dt.date, base: str, quote: str, rate: str, actor: str
) -> RateRow:
    row = RateRow(
        group_id=group_id,
        date=date,
        base=base,
        quote=quote,
        rate=rate,
        created_at=utcnow(),
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row


def with_key_prefix(session: Session, prefix: str) -> list[TransactionRow]:
    """Transactions whose idempotency key starts with `prefix`, oldest first."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        select(TransactionRow)
        .where(TransactionRow.idempotency_key.like(f"{escaped}%", escape="\\"))
        .order_by(TransactionRow.id)
    )
    return list(session.scalars(query))
