"""What the use cases share inside a unit of work: finding a group (locked for a
write) and its members, views of transactions, appending transactions with their audit
rows (pinning new currencies), recording rates, and the audit log of other changes.

`LedgerCore` is the base of every family of use cases (see `ledger.py`); the database
and the unit of work themselves are `LedgerDatabase`'s (database.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.services import logs
from splitledger.services.database import LedgerDatabase
from splitledger.services.errors import InvalidInput, NotFound
from splitledger.services.views import GroupView, PostingView, TxView
from splitledger.store import repository
from splitledger.store.repository import GroupHead, MemberRef
from splitledger.store.schema import GroupRow, TransactionRow


class LedgerCore(LedgerDatabase):
    """The lookups and appends every use case shares."""

    def _group(self, session: Session, name: str, *, lock: bool = False) -> GroupHead:
        group = repository.group_head(session, name=name, lock=lock)
        if group is None:
            # `flat` finds `Flat`: names that read the same are one name (ADR 0010).
            same = self._group_named_like(session, name)
            if same is not None:
                group = repository.group_head(session, name=same, lock=lock)
        if group is None:
            raise NotFound(f"no group named {name!r}", field="group")
        return group

    @staticmethod
    def _group_named_like(session: Session, name: str, *, but: int | None = None) -> str | None:
        """The name of the group whose name reads the same as `name`, if any."""
        key = domain.name_key(name)
        for row in repository.list_groups(session):
            if row.id != but and domain.name_key(row.name) == key:
                return row.name
        return None

    def _member_rows(self, session: Session, group: GroupHead | GroupRow) -> dict[str, MemberRef]:
        """Every member (removed ones too) by name, loaded once per unit of work; a use
        case that changes members calls `_members_changed`."""
        cache: dict[int, dict[str, MemberRef]] = session.info.setdefault("members", {})
        if group.id not in cache:
            cache[group.id] = repository.member_refs(session, group.id)
        return cache[group.id]

    @staticmethod
    def _members_changed(session: Session) -> None:
        session.info.pop("members", None)

    def _member_ids(
        self, session: Session, group: GroupHead, names: Iterable[str]
    ) -> dict[str, int]:
        """Name -> id for postings; removed members count (a reversal may touch them)."""
        rows = self._member_rows(session, group)
        for name in names:
            if name not in rows:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
        return {name: m.id for name, m in rows.items()}

    def _require_active(self, session: Session, group: GroupHead, names: Iterable[str]) -> None:
        """New expenses and payments may only name current members."""
        rows = self._member_rows(session, group)
        for name in names:
            member = rows.get(name)
            if member is None:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
            if member.archived:
                raise InvalidInput(
                    f"{name!r} was removed from {group.name!r}; add them again first",
                    field="member",
                )

    def _changed(
        self,
        session: Session,
        action: str,
        *,
        group_id: int | None,
        entity_id: int | None,
        payload: dict[str, Any],
    ) -> None:
        """Record a state change: a row in the audit log (same DB transaction) and a line
        in the structured log."""
        repository.audit(
            session,
            actor=self.actor,
            action=action,
            group_id=group_id,
            entity_id=entity_id,
            payload=payload,
        )
        logs.event(action, group_id=group_id, entity_id=entity_id, actor=self.actor, **payload)

    def _restore(self, session: Session, group: GroupHead, member: MemberRef, why: str) -> None:
        repository.set_archived(session, member.id, False)
        self._members_changed(session)
        self._changed(
            session,
            "member.restore",
            group_id=group.id,
            entity_id=member.id,
            payload={"name": member.name, "why": why},
        )

    def _group_view(self, session: Session, group: GroupHead | GroupRow) -> GroupView:
        active = tuple(name for name, m in self._member_rows(session, group).items() if m.active)
        return GroupView(group.id, group.name, group.currency, active)

    def _tx_views(self, session: Session, rows: Sequence[TransactionRow]) -> list[TxView]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        postings = repository.postings_of(session, ids)
        names = repository.group_names(session, (r.group_id for r in rows))
        reversed_by = repository.reversals_of(session, ids)
        return [
            TxView(
                id=r.id,
                group=names[r.group_id],
                seq=r.seq,
                kind=r.kind,
                date=r.date,
                description=r.description,
                category=r.category,
                idempotency_key=r.idempotency_key,
                postings=tuple(
                    PostingView(p.account, p.currency, p.minor) for p in postings.get(r.id, [])
                ),
                reverses_id=r.reverses_id,
                replaces_id=r.replaces_id,
                reversed_by=reversed_by.get(r.id),
                actor=r.actor,
            )
            for r in rows
        ]

    def _tx_view(self, session: Session, tx_id: int) -> TxView:
        row = repository.get_transaction(session, tx_id)
        if row is None:
            raise NotFound(f"no such transaction #{tx_id}", field="tx")
        return self._tx_views(session, [row])[0]

    def _append(
        self,
        session: Session,
        group: GroupHead,
        tx: domain.Transaction,
        *,
        action: str,
        replaces_id: int | None = None,
    ) -> TxView:
        """Append `tx` and its audit entry; the view is built from memory (no re-read)."""
        row = self._append_many(session, group, [(tx, replaces_id)], action=action)[0]
        return TxView(
            id=row.id,
            group=group.name,
            seq=row.seq,
            kind=row.kind,
            date=row.date,
            description=row.description,
            category=row.category,
            idempotency_key=row.idempotency_key,
            postings=tuple(PostingView(p.account, p.currency, p.minor) for p in tx.postings),
            reverses_id=row.reverses_id,
            replaces_id=row.replaces_id,
            actor=row.actor,
        )

    def _append_many(
        self,
        session: Session,
        group: GroupHead,
        items: Sequence[tuple[domain.Transaction, int | None]],
        *,
        action: str,
        log_each: bool = True,
    ) -> list[repository.Written]:
        """Append transactions with one audit row each, in a few statements."""
        touched = {p.account for tx, _ in items for p in tx.postings}
        codes = {p.currency for tx, _ in items for p in tx.postings}
        if not codes <= self._pinned:  # the common case costs this comparison only
            self._use_currencies(session, codes)
        ids = self._member_ids(session, group, touched)
        member_rows = self._member_rows(session, group)
        for name in sorted(touched):
            if member_rows[name].archived:
                self._restore(session, group, member_rows[name], f"{action} posts to them")
        rows = repository.append_transactions(session, group, items, ids, actor=self.actor)
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
        repository.audit_many(session, audits)
        return rows

    def _add_rate_locked(
        self, session: Session, group: GroupHead, rate: domain.Rate, where: str
    ) -> bool:
        """Record `rate`; False if the same rate is already there for that day."""
        text = format(rate.rate.normalize(), "f")
        existing = repository.find_rate(session, group.id, rate.date, rate.base, rate.quote)
        if existing is not None:
            if domain.parse_rate(existing.rate) == rate.rate:
                return False
            raise InvalidInput(
                f"{where}a {rate.base}/{rate.quote} rate for {rate.date.isoformat()} is already "
                f"recorded ({existing.rate}); rates are kept as history, so record the change "
                "on another day",
                field="rate",
            )
        self._use_currencies(session, (rate.base, rate.quote))
        repository.add_rate(session, group.id, rate.date, rate.base, rate.quote, text, self.actor)
        self._changed(
            session,
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

    def _ensure_exchange(self, session: Session, group: GroupHead, account: str) -> None:
        if account not in self._member_rows(session, group):
            repository.add_member(session, group.id, account, kind="exchange")
            self._members_changed(session)
