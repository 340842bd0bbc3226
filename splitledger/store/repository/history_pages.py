"""The history of a group, a keyset page at a time, narrowed by a `HistoryFilter`: every
ledger entry, or bills (ADR 0011)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from splitledger.domain import TxKind
from splitledger.store.schema import (
    MemberRow,
    PostingRow,
    TransactionRow,
)


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What `history` may narrow by; every field is optional."""

    text: str | None = None
    member: str | None = None
    category: str | None = None
    kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


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
        # only), and the text as typed always matches itself; `autoescape`: its `%`, `_`,
        # `/` and `\` match themselves, not any text or character.
        folded, typed = flt.text.lower(), flt.text
        columns = (TransactionRow.description, TransactionRow.category)
        query = query.where(
            or_(
                *(func.lower(column).contains(folded, autoescape=True) for column in columns),
                *(column.contains(typed, autoescape=True) for column in columns if typed != folded),
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
