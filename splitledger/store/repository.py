"""Data access for the ledger: every function works inside the caller's Session (the
unit of work); none commits. Writes go through `append_transactions`, which keeps the
postings, the maintained balances and the hash chain consistent in one DB transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from splitledger.domain import MAX_ID, Posting, Transaction, TxKind
from splitledger.store.chain import GENESIS, transaction_hash
from splitledger.store.raw import Raw
from splitledger.store.schema import (
    AuditRow,
    BalanceRow,
    GroupRow,
    MemberRow,
    PostingRow,
    RateRow,
    SpendingRow,
    TransactionRow,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- groups and members -------------------------------------------------------------


@dataclass(slots=True)
class GroupHead:
    """A group as the use cases need it, read with one plain query (not an ORM row: the
    write path reads it on every write). `head_seq`/`head_hash` follow this unit of
    work's appends."""

    id: int
    name: str
    currency: str
    head_seq: int
    head_hash: str


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A member (or exchange account) of a group, as the write path needs it."""

    id: int
    name: str
    kind: str  # "member" or "exchange"
    archived: bool

    @property
    def active(self) -> bool:
        """A current member (not removed, not an exchange account)."""
        return not self.archived and self.kind == "member"


def group_head(
    session: Session, *, name: str | None = None, group_id: int | None = None, lock: bool = False
) -> GroupHead | None:
    """The group called `name` (or with id `group_id`); with `lock`, its row is locked
    until commit (PostgreSQL `FOR UPDATE`; SQLite's BEGIN IMMEDIATE already holds the
    write lock). Every writer locks the group first: one lock order, no deadlocks."""
    raw = Raw.of(session)
    column, value = ("name", name) if group_id is None else ("id", group_id)
    suffix = raw.for_update() if lock else ""
    row = raw.one(
        f"SELECT id, name, currency, head_seq, head_hash FROM groups WHERE {column} = ?{suffix}",  # noqa: S608
        (value,),
    )
    return None if row is None else GroupHead(*row)


def group_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    query = select(GroupRow.id, GroupRow.name).where(GroupRow.id.in_(set(ids)))
    return {gid: name for gid, name in session.execute(query)}


def list_groups(session: Session) -> list[GroupRow]:
    return list(session.scalars(select(GroupRow).order_by(GroupRow.name)))


def add_group(session: Session, name: str, currency: str) -> GroupHead:
    group = GroupRow(
        name=name, currency=currency, created_at=utcnow(), head_seq=0, head_hash=GENESIS
    )
    session.add(group)
    session.flush()
    return GroupHead(group.id, name, currency, 0, GENESIS)


def rename_group(session: Session, group_id: int, name: str) -> None:
    Raw.of(session).run("UPDATE groups SET name = ? WHERE id = ?", (name, group_id))


def member_refs(session: Session, group_id: int) -> dict[str, MemberRef]:
    """Every member and exchange account of the group (removed ones too), by name, in
    joining order."""
    rows = Raw.of(session).all(
        "SELECT id, name, kind, archived_at IS NOT NULL FROM members "
        "WHERE group_id = ? ORDER BY id",
        (group_id,),
    )
    return {name: MemberRef(mid, name, kind, bool(gone)) for mid, name, kind, gone in rows}


def add_member(session: Session, group_id: int, name: str, *, kind: str = "member") -> MemberRow:
    member = MemberRow(group_id=group_id, name=name, created_at=utcnow(), kind=kind)
    session.add(member)
    session.flush()
    return member


def set_archived(session: Session, member_id: int, archived: bool) -> None:
    """Remove (archive) or restore a member; their postings stay either way."""
    raw = Raw.of(session)
    at = raw.stamp(utcnow()) if archived else None
    raw.run("UPDATE members SET archived_at = ? WHERE id = ?", (at, member_id))


def rename_member(session: Session, member_id: int, name: str) -> None:
    Raw.of(session).run("UPDATE members SET name = ? WHERE id = ?", (name, member_id))


# -- idempotency and audit ----------------------------------------------------------


class SeenRequest(NamedTuple):
    fingerprint: str
    operation: str
    result_id: int


def find_request(session: Session, key: str) -> SeenRequest | None:
    row = Raw.of(session).one(
        "SELECT fingerprint, operation, result_id FROM requests WHERE key = ?", (key,)
    )
    return None if row is None else SeenRequest(*row)


def save_request(
    session: Session, key: str, fingerprint: str, operation: str, result_id: int
) -> None:
    raw = Raw.of(session)
    raw.insert(
        "requests",
        ("key", "fingerprint", "operation", "result_id", "created_at"),
        [(key, fingerprint, operation, result_id, raw.stamp(utcnow()))],
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


# -- transactions -------------------------------------------------------------------


_UPSERT_BALANCE = (
    "INSERT INTO balances (member_id, currency, group_id, amount) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (member_id, currency) DO UPDATE SET amount = balances.amount + excluded.amount"
)
_UPSERT_SPENDING = (
    "INSERT INTO spending (group_id, currency, amount) VALUES (?, ?, ?) "
    "ON CONFLICT (group_id, currency) DO UPDATE SET amount = spending.amount + excluded.amount"
)
# `TxKind.value` is a property lookup (~1.3 µs, profiled on imports); a dict is not.
KIND_TEXT = {kind: kind.value for kind in TxKind}
_POSTING_COLUMNS = ("transaction_id", "member_id", "currency", "amount")


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


#: The `transactions` columns are `Written`'s fields, in order.
_TX_COLUMNS = tuple(f.name for f in fields(Written))
_DATE, _CREATED = _TX_COLUMNS.index("date"), _TX_COLUMNS.index("created_at")


def _reserve_ids(raw: Raw, table: str, count: int) -> list[int]:
    """`count` new primary keys for `table`, taken under the caller's write lock
    (SQLite: after the current maximum; PostgreSQL: from the table's sequence)."""
    if raw.sqlite:
        row = raw.one(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        top = int(row[0]) if row else 0
        return list(range(top + 1, top + 1 + count))
    sequence = f"nextval(pg_get_serial_sequence('{table}', 'id'))"
    rows = raw.all(f"SELECT {sequence} FROM generate_series(1, ?)", (count,))  # noqa: S608
    return [int(r[0]) for r in rows]


def append_transactions(
    session: Session,
    group: GroupHead,
    items: Sequence[tuple[Transaction, int | None]],
    member_ids: Mapping[str, int],
    *,
    actor: str,
) -> list[Written]:
    """Insert transactions (each with the id it replaces, if an edit) with their postings,
    extend the group's hash chain, and apply them to the maintained balances and spending,
    in a handful of statements however many there are. `group` must be locked by the
    caller; its head follows the appends. Returns what was written, in order."""
    if not items:
        return []
    raw = Raw.of(session)
    now = utcnow()
    created = raw.stamp(now)
    ids = _reserve_ids(raw, "transactions", len(items))
    seq, prev = group.head_seq, group.head_hash
    written: list[Written] = []
    tx_rows: list[tuple[Any, ...]] = []
    posting_rows: list[tuple[int, int, str, int]] = []
    for tx_id, (tx, replaces_id) in zip(ids, items, strict=True):
        seq += 1
        postings = [(member_ids[p.account], p.currency, p.minor) for p in tx.postings]
        kind = KIND_TEXT[tx.kind]
        digest = transaction_hash(
            prev_hash=prev,
            group_id=group.id,
            seq=seq,
            kind=kind,
            date=tx.date,
            description=tx.description,
            category=tx.category,
            idempotency_key=tx.idempotency_key,
            reverses_id=tx.reverses,
            replaces_id=replaces_id,
            actor=actor,
            postings=postings,
        )
        values = (tx_id, group.id, seq, kind, tx.date, tx.description, tx.category,
                  tx.idempotency_key, tx.reverses, replaces_id, actor, now, prev,
                  digest)  # fmt: skip
        written.append(Written(*values))
        row = list(values)  # the same values, with the date and time as the driver stores them
        row[_DATE], row[_CREATED] = raw.date(tx.date), created
        tx_rows.append(tuple(row))
        posting_rows.extend((tx_id, m, c, a) for m, c, a in postings)
        prev = digest
    raw.insert("transactions", _TX_COLUMNS, tx_rows)
    raw.insert("postings", _POSTING_COLUMNS, posting_rows)
    _apply_balances(raw, group.id, posting_rows)
    _apply_spending(raw, group.id, [tx for tx, _ in items])
    raw.run("UPDATE groups SET head_seq = ?, head_hash = ? WHERE id = ?", (seq, prev, group.id))
    group.head_seq, group.head_hash = seq, prev
    return written


def _apply_spending(raw: Raw, group_id: int, txs: Sequence[Transaction]) -> None:
    """Expenses add what was paid; the reversal of an expense takes it back."""
    reversed_ids = [tx.reverses for tx in txs if tx.reverses is not None]
    query = "SELECT id, kind FROM transactions WHERE id IN ({})"
    kinds: dict[int, str] = dict(raw.all_in(query, reversed_ids))
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
    raw.many(_UPSERT_SPENDING, [(group_id, c, a) for c, a in sorted(spent.items())])


def _apply_balances(raw: Raw, group_id: int, postings: Iterable[tuple[int, int, str, int]]) -> None:
    deltas: dict[tuple[int, str], int] = defaultdict(int)
    for _, member_id, currency, amount in postings:
        deltas[member_id, currency] += amount
    # sorted: rows are locked in a fixed order (no deadlocks)
    raw.many(_UPSERT_BALANCE, [(m, c, group_id, a) for (m, c), a in sorted(deltas.items())])


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


def _contains(text: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for values containing `text` literally: its
    `%`, `_` and `\\` match themselves, not any text or character."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def history_query(
    group_id: int, flt: HistoryFilter, *, entries: bool = True, show_deleted: bool = False
) -> Select[TransactionRow]:
    """The transactions of the group that `flt` matches. `entries`: every ledger entry;
    else bills (ADR 0011): each bill once, as its current version, without reversals
    and without versions an edit or an undo replaced; a deleted one (its last version,
    reversed and not replaced) only with `show_deleted`."""
    query = select(TransactionRow).where(TransactionRow.group_id == group_id)
    if not entries:
        query = query.where(TransactionRow.kind != TxKind.REVERSAL.value)
        # A replaced version was reversed first (an edit reverses the current version;
        # a restore replaces a deleted one): "not reversed" leaves the current versions,
        # probing the unique index on `reverses_id` once a row.
        reversal = aliased(TransactionRow)
        reversed_ = select(reversal.id).where(reversal.reverses_id == TransactionRow.id)
        if show_deleted:
            # Reversed but not replaced: deleted (only reversed rows probe `replaces_id`).
            later = aliased(TransactionRow)
            replaced = select(later.id).where(later.replaces_id == TransactionRow.id)
            query = query.where(or_(~reversed_.exists(), ~replaced.exists()))
        else:
            query = query.where(~reversed_.exists())
    if flt.text:
        # Case-insensitive as far as the database's lower() goes (SQLite's folds ASCII
        # only), and the text as typed always matches itself.
        folded, typed = _contains(flt.text.lower()), _contains(flt.text)
        columns = (TransactionRow.description, TransactionRow.category)
        query = query.where(
            or_(
                *(func.lower(column).like(folded, escape="\\") for column in columns),
                *(column.like(typed, escape="\\") for column in columns if typed != folded),
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
        # Per transaction, in the order the page is read: does it post to the member?
        # One probe of the (transaction_id, member_id) index each (ADR 0009); an IN over
        # all of the member's postings read ~30 % of the group's postings for each page.
        member_id = (
            select(MemberRow.id)
            .where(MemberRow.group_id == group_id, MemberRow.name == flt.member)
            .scalar_subquery()
        )
        query = query.where(
            select(PostingRow.member_id)  # a column of the index: no table row is read
            .where(
                PostingRow.transaction_id == TransactionRow.id,
                PostingRow.member_id == member_id,
            )
            .exists()
        )
    return query


def history(
    session: Session,
    group_id: int,
    flt: HistoryFilter,
    *,
    limit: int,
    before: tuple[dt.date, int] | None = None,
    after: tuple[dt.date, int] | None = None,
    oldest: bool = False,
    entries: bool = True,
    show_deleted: bool = False,
) -> list[TransactionRow]:
    """A page newest first (by date, then id), keyset-paged so deep pages cost the same
    as the first: pass the last row's (date, id) as `before` for the next older page,
    the first row's as `after` for the next newer one (the `limit` rows just newer than
    it), or `oldest` for the oldest page. Those two read ascending (on the same index)
    and are turned newest first here. At most one of `before`, `after`, `oldest`.
    `entries` and `show_deleted`: ledger entries or bills (see `history_query`)."""
    query = history_query(group_id, flt, entries=entries, show_deleted=show_deleted)
    if before is not None:
        date, tx_id = before
        query = query.where(
            or_(
                TransactionRow.date < date,
                and_(TransactionRow.date == date, TransactionRow.id < tx_id),
            )
        )
    if after is not None:
        date, tx_id = after
        query = query.where(
            or_(
                TransactionRow.date > date,
                and_(TransactionRow.date == date, TransactionRow.id > tx_id),
            )
        )
    if after is not None or oldest:
        query = query.order_by(TransactionRow.date.asc(), TransactionRow.id.asc()).limit(limit)
        return list(session.scalars(query))[::-1]
    query = query.order_by(TransactionRow.date.desc(), TransactionRow.id.desc()).limit(limit)
    return list(session.scalars(query))


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


def change_token(session: Session, group: str | None) -> tuple[object, ...]:
    """For all groups (count, max id, sum of heads); for one group (id, name, head
    sequence, member names). Each changes on any write that a screen would show."""
    if group is None:
        row = session.execute(
            select(func.count(GroupRow.id), func.max(GroupRow.id), func.sum(GroupRow.head_seq))
        ).one()
        return tuple(row)
    found = group_head(session, name=group)
    if found is None:
        return ("missing", group)
    return group_token(found, member_refs(session, found.id))


def group_token(
    group: GroupHead | GroupRow, members: Mapping[str, MemberRef]
) -> tuple[object, ...]:
    """`change_token` of `group` from rows already read (its members as `member_refs`
    gives them): a screen's data and its token from one read cost no extra query."""
    # O(members): renames and removals change `names`.
    names = tuple(m.name for m in members.values() if m.active)
    return (group.id, group.name, group.head_seq, names)


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
