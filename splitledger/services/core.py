"""What the use cases share inside a unit of work: finding a group (locked for a
write) and its members, views of transactions, appending transactions with their audit
rows (pinning new currencies), recording rates, and the audit log of other changes.

Two refusals live here, where every write passes (ADR 0018): a locked lookup refuses an
archived group, and every append (and rate) refuses a date on or before the group's
close, a reversal the date of what it reverses too; so no use case can forget them.

`LedgerCore` is the base of every family of use cases (see `ledger.py`); the database
and the unit of work themselves are `LedgerDatabase`'s (database.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from splitledger import domain
from splitledger.services import logs, views
from splitledger.services.database import LedgerDatabase
from splitledger.services.errors import InvalidInput, NotFound, ReadOnly
from splitledger.store import repository
from splitledger.store.records import GroupRecord, TxRecord
from splitledger.store.repository import GroupHead, MemberRef, periods
from splitledger.store.unit import Unit


class LedgerCore(LedgerDatabase):
    """The lookups and appends every use case shares."""

    def _group(
        self, unit: Unit, name: str, *, lock: bool = False, archived_ok: bool = False
    ) -> GroupHead:
        """The group `name` (or one whose name reads the same); `lock` it for a write,
        which an archived group refuses unless `archived_ok` (unarchiving it)."""
        group = repository.group_head(unit, name=name, lock=lock)
        if group is None:
            # `flat` finds `Flat`: names that read the same are one name (ADR 0010).
            same = self._group_named_like(unit, name)
            if same is not None:
                group = repository.group_head(unit, name=same, lock=lock)
        if group is None:
            raise NotFound(f"no group named {quoted(name)}", field="group")
        if lock and not archived_ok:
            refuse_archived(group)
        return group

    @staticmethod
    def _refuse_closed(
        unit: Unit, group: GroupHead, dates: Iterable[dt.date], reverses: Iterable[int] = ()
    ) -> None:
        """Refuse a write dated on or before the group's close, or reversing a
        transaction that is (`reverses`: ids). Free while the group was never closed."""
        through = group.closed_through
        if through is None:
            return
        wanted = sorted(set(reverses))
        if wanted:
            rows = unit.all_in("SELECT date FROM transactions WHERE id IN ({})", wanted)
            dates = [*dates, *(unit.read_date(d) for (d,) in rows)]
        if all(d > through for d in dates):
            return
        close = periods.latest_close(unit, group.id)
        raise ReadOnly(closed_message(group.name, close, through), group=group.name)

    @staticmethod
    def _group_named_like(unit: Unit, name: str, *, but: int | None = None) -> str | None:
        """The name of the group whose name reads the same as `name`, if any."""
        key = domain.name_key(name)
        for row in repository.list_groups(unit):
            if row.id != but and domain.name_key(row.name) == key:
                return row.name
        return None

    def _member_rows(self, unit: Unit, group: GroupHead | GroupRecord) -> dict[str, MemberRef]:
        """Every member (removed ones too) by name, loaded once per unit of work; a use
        case that changes members calls `_members_changed`."""
        cache: dict[int, dict[str, MemberRef]] = unit.info.setdefault("members", {})
        if group.id not in cache:
            cache[group.id] = repository.member_refs(unit, group.id)
        return cache[group.id]

    @staticmethod
    def _members_changed(unit: Unit) -> None:
        unit.info.pop("members", None)

    def _member_ids(self, unit: Unit, group: GroupHead, names: Iterable[str]) -> dict[str, int]:
        """Name -> id for postings; removed members count (a reversal may touch them)."""
        rows = self._member_rows(unit, group)
        for name in names:
            if name not in rows:
                raise NotFound(f"{quoted(name)} is not a member of {group.name!r}", field="member")
        return {name: m.id for name, m in rows.items()}

    def _require_active(self, unit: Unit, group: GroupHead, names: Iterable[str]) -> None:
        """New expenses and payments may only name current members."""
        rows = self._member_rows(unit, group)
        for name in names:
            member = rows.get(name)
            if member is None:
                raise NotFound(f"{quoted(name)} is not a member of {group.name!r}", field="member")
            if member.archived:
                raise InvalidInput(
                    f"{name!r} was removed from {group.name!r}; add them again first",
                    field="member",
                )

    def _changed(
        self,
        unit: Unit,
        action: str,
        *,
        group_id: int | None,
        entity_id: int | None,
        payload: dict[str, Any],
    ) -> None:
        """Record a state change: a row in the audit log (same DB transaction) and a line
        in the structured log."""
        repository.audit(
            unit,
            actor=self.actor,
            action=action,
            group_id=group_id,
            entity_id=entity_id,
            payload=payload,
        )
        logs.event(action, group_id=group_id, entity_id=entity_id, actor=self.actor, **payload)

    def _restore(self, unit: Unit, group: GroupHead, member: MemberRef, why: str) -> None:
        repository.set_archived(unit, member.id, False)
        self._members_changed(unit)
        self._changed(
            unit,
            "member.restore",
            group_id=group.id,
            entity_id=member.id,
            payload={"name": member.name, "why": why},
        )

    def _group_view(self, unit: Unit, group: GroupHead | GroupRecord) -> views.GroupView:
        active = tuple(name for name, m in self._member_rows(unit, group).items() if m.active)
        if isinstance(group, GroupHead):
            archived, closed = group.archived, group.closed_through
        else:  # a listed group: the closes of all groups read once per unit of work
            if "closed" not in unit.info:
                unit.info["closed"] = periods.latest_throughs(unit)
            archived, closed = group.archived_at is not None, unit.info["closed"].get(group.id)
        return views.GroupView(group.id, group.name, group.currency, active, archived, closed)

    def _tx_views(self, unit: Unit, rows: Sequence[TxRecord]) -> list[views.TxView]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        postings = repository.postings_of(unit, ids)
        names = repository.group_names(unit, (r.group_id for r in rows))
        reversed_by = repository.reversals_of(unit, ids)
        return [
            views.TxView(
                id=r.id,
                group=names[r.group_id],
                seq=r.seq,
                kind=r.kind,
                date=r.date,
                description=r.description,
                category=r.category,
                idempotency_key=r.idempotency_key,
                postings=tuple(
                    views.PostingView(p.account, p.currency, p.minor)
                    for p in postings.get(r.id, [])
                ),
                reverses_id=r.reverses_id,
                replaces_id=r.replaces_id,
                reversed_by=reversed_by.get(r.id),
                actor=r.actor,
                note=r.note,
            )
            for r in rows
        ]

    def _tx_view(self, unit: Unit, tx_id: int) -> views.TxView:
        row = repository.get_transaction(unit, tx_id)
        if row is None:
            raise NotFound(f"no such transaction #{tx_id}", field="tx")
        return self._tx_views(unit, [row])[0]

    def _append(
        self,
        unit: Unit,
        group: GroupHead,
        tx: domain.Transaction,
        *,
        action: str,
        replaces_id: int | None = None,
    ) -> views.TxView:
        """Append `tx` and its audit entry; the view is built from memory (no re-read)."""
        row = self._append_many(unit, group, [(tx, replaces_id)], action=action)[0]
        return views.TxView(
            id=row.id,
            group=group.name,
            seq=row.seq,
            kind=row.kind,
            date=row.date,
            description=row.description,
            category=row.category,
            idempotency_key=row.idempotency_key,
            postings=tuple(views.PostingView(p.account, p.currency, p.minor) for p in tx.postings),
            reverses_id=row.reverses_id,
            replaces_id=row.replaces_id,
            actor=row.actor,
            note=tx.note,
        )

    def _append_many(
        self,
        unit: Unit,
        group: GroupHead,
        items: Sequence[tuple[domain.Transaction, int | None]],
        *,
        action: str,
        log_each: bool = True,
    ) -> list[repository.Written]:
        """Append transactions with one audit row each, in a few statements; refused
        (nothing written) in an archived group or on or before its close."""
        refuse_archived(group)
        self._refuse_closed(
            unit,
            group,
            (tx.date for tx, _ in items),
            (tx.reverses for tx, _ in items if tx.reverses is not None),
        )
        touched = {p.account for tx, _ in items for p in tx.postings}
        codes = {p.currency for tx, _ in items for p in tx.postings}
        if not codes <= self._pinned:  # the common case costs this comparison only
            self._use_currencies(unit, codes)
        ids = self._member_ids(unit, group, touched)
        member_rows = self._member_rows(unit, group)
        for name in sorted(touched):
            if member_rows[name].archived:
                self._restore(unit, group, member_rows[name], f"{action} posts to them")
        rows = repository.append_transactions(unit, group, items, ids, actor=self.actor)
        audits: list[dict[str, object]] = []
        for (tx, replaces_id), row in zip(items, rows, strict=True):
            payload = {
                "kind": repository.KIND_TEXT[tx.kind],
                "date": tx.date.isoformat(),
                "description": tx.description,
                "category": tx.category,
                "key": tx.idempotency_key,
                "reverses": tx.reverses,
                "replaces": replaces_id,
                "postings": [[p.account, p.currency, p.minor] for p in tx.postings],
                "hash": row.hash,
            }
            if tx.note:  # absent when empty: payloads of entries without one unchanged
                payload["note"] = tx.note
            audits.append(
                {
                    "actor": self.actor,
                    "action": action,
                    "group_id": group.id,
                    "entity_id": row.id,
                    "payload": payload,
                }
            )
            if log_each:  # the story in brief; the audit row (same commit) has the rest
                logs.event(action, group=group.name, tx=row.id, key=row.idempotency_key)
        repository.audit_many(unit, audits)
        return rows

    def _add_rate_locked(self, unit: Unit, group: GroupHead, rate: domain.Rate, where: str) -> bool:
        """Record `rate`; False if the same rate is already there for that day."""
        refuse_archived(group)
        text = format(rate.rate.normalize(), "f")
        existing = repository.find_rate(unit, group.id, rate.date, rate.base, rate.quote)
        if existing is None:  # (the same rate again writes nothing: a re-import may pass)
            self._refuse_closed(unit, group, (rate.date,))
        else:
            if domain.parse_rate(existing.rate) == rate.rate:
                return False
            raise InvalidInput(
                f"{where}a {rate.base}/{rate.quote} rate for {rate.date.isoformat()} is already "
                f"recorded ({existing.rate}); rates are kept as history, so record the change "
                "on another day",
                field="rate",
            )
        self._use_currencies(unit, (rate.base, rate.quote))
        repository.add_rate(unit, group.id, rate.date, rate.base, rate.quote, text, self.actor)
        self._changed(
            unit,
            "rate.add",
            group_id=group.id,
            entity_id=None,
            payload={
                "date": rate.date.isoformat(),
                "base": rate.base,
                "quote": rate.quote,
                "rate": text,
            },
        )
        return True

    def _ensure_exchange(self, unit: Unit, group: GroupHead, account: str) -> None:
        if account not in self._member_rows(unit, group):
            repository.add_member(unit, group.id, account, kind="exchange")
            self._members_changed(unit)


def refuse_archived(group: GroupHead) -> None:
    """An archived group is read-only: refuse any write to it."""
    if group.archived:
        raise ReadOnly(
            f"{group.name} is archived, so it is read-only; unarchive it to change it",
            group=group.name,
        )


def closed_message(group: str, close: periods.CloseRecord | None, through: dt.date) -> str:
    """ "Trip is closed through 2026-12-31 (closed 2027-01-05 by ann); record a correction
    dated after it"."""
    when = ""
    if close is not None:
        at = close.closed_at
        day = (at if at.tzinfo is None else at.astimezone(dt.UTC)).date()  # SQLite: naive UTC
        when = f" (closed {day.isoformat()} by {close.actor})"
    return (
        f"{group} is closed through {through.isoformat()}{when}; record a correction dated after it"
    )


def quoted(name: str, limit: int = 100) -> str:
    """A name as a message quotes it: cut to `limit` characters (a name looked up may be
    any length; the longest a group or member may have is 100), with an ellipsis."""
    return repr(name if len(name) <= limit else f"{name[: limit - 1]}…")
