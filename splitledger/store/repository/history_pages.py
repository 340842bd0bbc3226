"""The history of a group, a keyset page at a time, narrowed by a `HistoryFilter`: every
ledger entry, or bills (ADR 0011)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from splitledger.store.records import TX_SELECT, TxRecord, tx_from
from splitledger.store.unit import LIKE_ESCAPE, Unit, like_pattern


class HistoryFilter(NamedTuple):
    """What `history` may narrow by; every field is optional."""

    text: str | None = None
    member: str | None = None
    category: str | None = None
    kind: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: Text the note contains (as `text` matches descriptions and categories).
    note: str | None = None


def history_query(
    group_id: int, flt: HistoryFilter, *, entries: bool = True, show_deleted: bool = False
) -> tuple[list[str], list[Any]]:
    """The conditions (on `transactions t`) and their parameters that select the
    transactions of the group `flt` matches. `entries`: every ledger entry; else bills
    (ADR 0011): each bill once, as its current version, without reversals and without
    versions an edit or an undo replaced; a deleted one (its last version, reversed and
    not replaced) only with `show_deleted`. Dates are bound by `history` (they depend on
    the backend)."""
    where = ["t.group_id = ?"]
    params: list[Any] = [group_id]
    if not entries:
        where.append("t.kind != 'reversal'")  # TxKind.REVERSAL
        # A replaced version was reversed first (an edit reverses the current version;
        # a restore replaces a deleted one): "not reversed" leaves the current versions,
        # probing the unique index on `reverses_id` once a row.
        reversed_ = "EXISTS (SELECT r.id FROM transactions r WHERE r.reverses_id = t.id)"
        if show_deleted:
            # Reversed but not replaced: deleted (only reversed rows probe `replaces_id`).
            replaced = "EXISTS (SELECT n.id FROM transactions n WHERE n.replaces_id = t.id)"
            where.append(f"(NOT {reversed_} OR NOT {replaced})")
        else:
            where.append(f"NOT {reversed_}")
    if flt.text:
        where.append(_contains(["t.description", "t.category"], flt.text, params))
    if flt.note:
        where.append(_contains(["t.note"], flt.note, params))
    if flt.category:
        where.append("lower(t.category) = ?")
        params.append(flt.category.lower())
    if flt.kind:
        where.append("t.kind = ?")
        params.append(flt.kind)
    if flt.member:
        # Per transaction, in the order the page is read: does it post to the member?
        # One probe of the (transaction_id, member_id) index each (ADR 0009); an IN over
        # all of the member's postings read ~30 % of the group's postings for each page.
        where.append(
            "EXISTS (SELECT p.member_id FROM postings p WHERE p.transaction_id = t.id "
            "AND p.member_id = (SELECT m.id FROM members m WHERE m.group_id = ? AND m.name = ?))"
        )
        params += [group_id, flt.member]
    return where, params


def _contains(columns: list[str], text: str, params: list[Any]) -> str:
    """A condition: one of `columns` contains `text`. Case-insensitive as far as the
    database's lower() goes (SQLite's folds ASCII only), and the text as typed always
    matches itself; its `%`, `_` and `/` match themselves, not any text or character."""
    folded = text.lower()
    like = f"LIKE ? ESCAPE '{LIKE_ESCAPE}'"
    terms = [f"lower({c}) {like}" for c in columns]
    params += [like_pattern(folded)] * len(columns)
    if text != folded:
        terms += [f"{c} {like}" for c in columns]
        params += [like_pattern(text)] * len(columns)
    return f"({' OR '.join(terms)})"


def history(
    unit: Unit,
    group_id: int,
    flt: HistoryFilter,
    *,
    limit: int,
    before: tuple[dt.date, int] | None = None,
    after: tuple[dt.date, int] | None = None,
    oldest: bool = False,
    entries: bool = True,
    show_deleted: bool = False,
) -> list[TxRecord]:
    """A page newest first (by date, then id), keyset-paged so deep pages cost the same
    as the first: pass the last row's (date, id) as `before` for the next older page,
    the first row's as `after` for the next newer one (the `limit` rows just newer than
    it), or `oldest` for the oldest page. Those two read ascending (on the same index)
    and are turned newest first here. At most one of `before`, `after`, `oldest`.
    `entries` and `show_deleted`: ledger entries or bills (see `history_query`)."""
    where, params = history_query(group_id, flt, entries=entries, show_deleted=show_deleted)
    if flt.date_from:
        where.append("t.date >= ?")
        params.append(unit.date(flt.date_from))
    if flt.date_to:
        where.append("t.date <= ?")
        params.append(unit.date(flt.date_to))
    if before is not None:
        where.append("(t.date < ? OR (t.date = ? AND t.id < ?))")
        params += [unit.date(before[0]), unit.date(before[0]), before[1]]
    if after is not None:
        where.append("(t.date > ? OR (t.date = ? AND t.id > ?))")
        params += [unit.date(after[0]), unit.date(after[0]), after[1]]
    ascending = after is not None or oldest
    order = "t.date ASC, t.id ASC" if ascending else "t.date DESC, t.id DESC"
    sql = (
        f"SELECT {TX_SELECT} FROM transactions t WHERE {' AND '.join(where)} "  # noqa: S608
        f"ORDER BY {order} LIMIT ?"
    )
    rows = [tx_from(unit, row) for row in unit.all(sql, [*params, limit])]
    return rows[::-1] if ascending else rows
