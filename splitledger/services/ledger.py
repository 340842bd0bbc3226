"""The use cases of the ledger, shared by the CLI and the app.

Each write runs in one database transaction (the unit of work) inside a bounded retry
loop; it locks the group row first, answers a repeated idempotency key from the record
of the first answer, and appends to the audit log in the same transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.domain import DomainError, Transfer
from splitledger.services import logs
from splitledger.services.errors import (
    Conflict,
    IdempotencyConflict,
    InvalidInput,
    NotFound,
    Unavailable,
)
from splitledger.services.inputs import (
    AddMembers,
    CreateGroup,
    ImportEntry,
    RecordExpense,
    RecordPayment,
    Request,
    Reverse,
)
from splitledger.services.retry import with_retries
from splitledger.services.views import (
    AuditEntry,
    BalancesView,
    BalanceView,
    GroupView,
    ImportReport,
    PostingView,
    TxDetail,
    TxView,
    VerifyReport,
)
from splitledger.store import migrate, repository
from splitledger.store.engine import make_engine, writer
from splitledger.store.errors import StoreError
from splitledger.store.location import display_url, resolve_url
from splitledger.store.repository import HistoryFilter
from splitledger.store.schema import GroupRow, MemberRow, TransactionRow

T = TypeVar("T")
_IMPORT_CHUNK = 1000  # transactions per batched append during imports
R = TypeVar("R", bound=Request)


def validate(model: type[R], **data: object) -> R:
    """Build a request, turning pydantic's errors into one plain `InvalidInput`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or model.__name__
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"{where}: {message}", field=str(first["loc"][0])) from None


def _default_actor() -> str:
    try:
        return os.environ.get("SPLITLEDGER_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Ledger:
    """One open ledger database and the use cases over it."""

    def __init__(self, engine: Engine, *, where: str, actor: str | None = None) -> None:
        self.engine = engine
        self.where = where
        self.actor = (actor or _default_actor())[:100]
        self._writer = writer(engine)

    @classmethod
    def open(cls, target: str | None = None, *, actor: str | None = None) -> Ledger:
        """Open (creating and migrating as needed) the ledger at `target`."""
        url = resolve_url(target)
        where = display_url(url)
        try:
            engine = make_engine(url)
            migrate.upgrade(engine, where)
        except StoreError as exc:
            raise Unavailable(str(exc)) from None
        except (OperationalError, OSError) as exc:
            reason = getattr(exc, "orig", exc)
            raise Unavailable(f"cannot open the ledger at {where}: {reason}") from None
        logs.event("ledger.open", where=where, actor=actor)
        return cls(engine, where=where, actor=actor)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------

    def _write(self, operation: str, work: Callable[[Session], T]) -> T:
        def attempt() -> T:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                return work(session)

        try:
            return with_retries(operation, attempt)
        except DBAPIError as exc:
            logs.event("error", operation=operation, error=str(exc.orig))
            raise Unavailable(f"{operation} failed: {exc.orig}") from exc

    def _read(self, work: Callable[[Session], T]) -> T:
        try:
            with Session(self.engine) as session, session.begin():
                return work(session)
        except DBAPIError as exc:
            raise Unavailable(f"reading the ledger failed: {exc.orig}") from exc

    def _replay(
        self, session: Session, key: str | None, fingerprint: str, operation: str
    ) -> int | None:
        """The result id of an earlier request with `key`, or None if the key is new.
        Raises `IdempotencyConflict` if the key was used for a different payload."""
        if key is None:
            return None
        seen = repository.find_request(session, key)
        if seen is None:
            return None
        if seen.fingerprint != fingerprint or seen.operation != operation:
            raise IdempotencyConflict(
                f"idempotency key {key!r} was already used for a different request"
            )
        return seen.result_id

    def _group(self, session: Session, name: str, *, lock: bool = False) -> GroupRow:
        group = repository.find_group(session, name, lock=lock)
        if group is None:
            raise NotFound(f"no group named {name!r}", field="group")
        return group

    def _member_rows(self, session: Session, group: GroupRow) -> dict[str, MemberRow]:
        """Every member (removed ones too) by name, loaded once per unit of work."""
        cache: dict[int, dict[str, MemberRow]] = session.info.setdefault("members", {})
        if group.id not in cache:
            cache[group.id] = {
                m.name: m for m in repository.members(session, group.id, include_archived=True)
            }
        return cache[group.id]

    def _member_ids(
        self, session: Session, group: GroupRow, names: Iterable[str]
    ) -> dict[str, int]:
        """Name -> id for postings; removed members count (a reversal may touch them)."""
        rows = self._member_rows(session, group)
        for name in names:
            if name not in rows:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
        return {name: m.id for name, m in rows.items()}

    def _require_active(self, session: Session, group: GroupRow, names: Iterable[str]) -> None:
        """New expenses and payments may only name current members."""
        rows = self._member_rows(session, group)
        for name in names:
            member = rows.get(name)
            if member is None:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
            if member.archived_at is not None:
                raise InvalidInput(
                    f"{name!r} was removed from {group.name!r}; add them again first",
                    field="member",
                )

    def _restore(self, session: Session, group: GroupRow, member: MemberRow, why: str) -> None:
        member.archived_at = None
        repository.audit(
            session,
            actor=self.actor,
            action="member.restore",
            group_id=group.id,
            entity_id=member.id,
            payload={"name": member.name, "why": why},
        )
        logs.event("member.restore", group=group.name, member=member.name, why=why)

    def _group_view(self, session: Session, group: GroupRow) -> GroupView:
        active = tuple(
            name for name, m in self._member_rows(session, group).items() if m.archived_at is None
        )
        return GroupView(group.id, group.name, group.currency, active)

    def _tx_views(self, session: Session, rows: Sequence[TransactionRow]) -> list[TxView]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        postings = repository.postings_of(session, ids)
        names = {g.id: g.name for g in repository.list_groups(session)}
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
            raise NotFound(f"no transaction with id {tx_id}", field="tx")
        return self._tx_views(session, [row])[0]

    def _append(
        self,
        session: Session,
        group: GroupRow,
        tx: domain.Transaction,
        *,
        action: str,
        replaces_id: int | None = None,
    ) -> TxView:
        """Append `tx` and its audit entry; the view is built from memory (no re-read)."""
        return self._append_many(session, group, [(tx, replaces_id)], action=action)[0]

    def _append_many(
        self,
        session: Session,
        group: GroupRow,
        items: Sequence[tuple[domain.Transaction, int | None]],
        *,
        action: str,
        log_each: bool = True,
    ) -> list[TxView]:
        """Append transactions with one audit row each, in a few statements."""
        touched = {p.account for tx, _ in items for p in tx.postings}
        ids = self._member_ids(session, group, touched)
        member_rows = self._member_rows(session, group)
        for name in sorted(touched):
            if member_rows[name].archived_at is not None:
                self._restore(session, group, member_rows[name], f"{action} posts to them")
        rows = repository.append_transactions(session, group, items, ids, actor=self.actor)
        views: list[TxView] = []
        audits: list[dict[str, object]] = []
        for (tx, replaces_id), row in zip(items, rows, strict=True):
            payload = {
                "kind": tx.kind.value,
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
            if log_each:
                logs.event(action, group=group.name, tx=row.id, **payload)
            views.append(
                TxView(
                    id=row.id,
                    group=group.name,
                    seq=row.seq,
                    kind=row.kind,
                    date=row.date,
                    description=row.description,
                    category=row.category,
                    idempotency_key=row.idempotency_key,
                    postings=tuple(
                        PostingView(p.account, p.currency, p.minor) for p in tx.postings
                    ),
                    reverses_id=row.reverses_id,
                    replaces_id=row.replaces_id,
                    actor=row.actor,
                )
            )
        repository.audit_many(session, audits)
        return views

    # -- groups and members --------------------------------------------------------

    def create_group(
        self, name: str, currency: str, members: Sequence[str] = (), *, key: str | None = None
    ) -> GroupView:
        req = validate(CreateGroup, name=name, currency=currency, members=tuple(members), key=key)
        fingerprint = req.fingerprint("group.create")

        def work(session: Session) -> GroupView:
            seen = self._replay(session, req.key, fingerprint, "group.create")
            if seen is not None:
                return self._group_view(session, session.get_one(GroupRow, seen))
            if repository.find_group(session, req.name) is not None:
                raise InvalidInput(f"a group named {req.name!r} already exists", field="name")
            group = repository.add_group(session, req.name, req.currency)
            for member in req.members:
                repository.add_member(session, group.id, member)
            session.info.pop("members", None)
            repository.audit(
                session,
                actor=self.actor,
                action="group.create",
                group_id=group.id,
                entity_id=group.id,
                payload={"name": req.name, "currency": req.currency, "members": req.members},
            )
            if req.key:
                repository.save_request(session, req.key, fingerprint, "group.create", group.id)
            logs.event("group.create", group=req.name, currency=req.currency)
            return self._group_view(session, group)

        return self._write("create group", work)

    def add_members(self, group: str, names: Sequence[str], *, key: str | None = None) -> GroupView:
        req = validate(AddMembers, group=group, names=tuple(names), key=key)
        fingerprint = req.fingerprint("member.add")

        def work(session: Session) -> GroupView:
            row = self._group(session, req.group, lock=True)
            if self._replay(session, req.key, fingerprint, "member.add") is not None:
                return self._group_view(session, row)
            existing = self._member_rows(session, row)
            taken = [n for n in req.names if n in existing and existing[n].archived_at is None]
            if taken:
                raise InvalidInput(
                    f"{', '.join(map(repr, taken))} already in {req.group!r}", field="name"
                )
            for name in req.names:
                if name in existing:
                    self._restore(session, row, existing[name], "added again")
                    continue
                member = repository.add_member(session, row.id, name)
                repository.audit(
                    session,
                    actor=self.actor,
                    action="member.add",
                    group_id=row.id,
                    entity_id=member.id,
                    payload={"name": name},
                )
            session.info.pop("members", None)
            if req.key:
                repository.save_request(session, req.key, fingerprint, "member.add", row.id)
            logs.event("member.add", group=req.group, names=req.names)
            return self._group_view(session, row)

        return self._write("add members", work)

    def groups(self) -> list[GroupView]:
        return self._read(lambda s: [self._group_view(s, g) for g in repository.list_groups(s)])

    def group(self, name: str) -> GroupView:
        return self._read(lambda s: self._group_view(s, self._group(s, name)))

    def rename_group(self, old: str, new: str) -> GroupView:
        new_name = validate(AddMembers, group=new, names=("x",)).group

        def work(session: Session) -> GroupView:
            row = self._group(session, old, lock=True)
            if new_name != old and repository.find_group(session, new_name) is not None:
                raise InvalidInput(f"a group named {new_name!r} already exists", field="name")
            row.name = new_name
            repository.audit(
                session,
                actor=self.actor,
                action="group.rename",
                group_id=row.id,
                entity_id=row.id,
                payload={"from": old, "to": new_name},
            )
            logs.event("group.rename", group=old, to=new_name)
            return self._group_view(session, row)

        return self._write("rename group", work)

    def rename_member(self, group: str, old: str, new: str) -> GroupView:
        new_name = validate(AddMembers, group=group, names=(new,)).names[0]

        def work(session: Session) -> GroupView:
            row = self._group(session, group, lock=True)
            found = dict(self._member_rows(session, row))
            if old not in found:
                raise NotFound(f"{old!r} is not a member of {group!r}", field="member")
            if new_name != old and new_name in found:
                raise InvalidInput(f"{new_name!r} already in {group!r}", field="name")
            found[old].name = new_name
            session.info.pop("members", None)
            repository.audit(
                session,
                actor=self.actor,
                action="member.rename",
                group_id=row.id,
                entity_id=found[old].id,
                payload={"from": old, "to": new_name},
            )
            logs.event("member.rename", group=group, member=old, to=new_name)
            return self._group_view(session, row)

        return self._write("rename member", work)

    def remove_member(self, group: str, name: str) -> GroupView:
        """Remove a member whose balances are all zero. Their history stays (the row is
        archived, not deleted); adding the name again restores them."""

        def work(session: Session) -> GroupView:
            row = self._group(session, group, lock=True)
            member = self._member_rows(session, row).get(name)
            if member is None or member.archived_at is not None:
                raise NotFound(f"{name!r} is not a member of {group!r}", field="member")
            owing = [
                f"{domain.format_amount(a, c)} {c}"
                for m, c, a in repository.balances(session, row.id)
                if m == name and a != 0
            ]
            if owing:
                raise Conflict(
                    f"{name} still has a balance of {', '.join(owing)}; settle up before "
                    "removing them"
                )
            member.archived_at = repository.utcnow()
            repository.audit(
                session,
                actor=self.actor,
                action="member.remove",
                group_id=row.id,
                entity_id=member.id,
                payload={"name": name},
            )
            logs.event("member.remove", group=group, member=name)
            return self._group_view(session, row)

        return self._write("remove member", work)

    def change_token(self, group: str | None = None) -> tuple[object, ...]:
        """A cheap value that changes whenever anything visible in `group` (or, with None,
        in the list of groups) changes: poll it to refresh a screen (O(1) queries)."""
        return self._read(lambda s: repository.change_token(s, group))

    # -- transactions --------------------------------------------------------------

    def _build_expense(self, req: RecordExpense, group: GroupView, key: str) -> domain.Transaction:
        currency = req.currency or group.currency
        try:
            total = domain.parse_amount(req.amount, currency)
            payers = _payers(req.paid_by, total, currency)
            split = _split(req.split, req.participants, group.members, currency)
            return domain.build_expense(
                total=total,
                currency=currency,
                payers=payers,
                split=split,
                date=req.date or dt.date.today(),
                description=req.description,
                idempotency_key=key,
                category=req.category,
            )
        except DomainError as exc:
            raise InvalidInput(str(exc), field=exc.field) from None

    def preview_expense(self, group: GroupView, **fields: object) -> domain.Transaction:
        """Build (not record) an expense, for live previews; raises `InvalidInput`."""
        req = validate(RecordExpense, group=group.name, **fields)
        return self._build_expense(req, group, req.key or "preview")

    def record_expense(self, **fields: object) -> TxView:
        """Record an expense. Fields are those of `RecordExpense`."""
        req = validate(RecordExpense, **fields)
        return self._record("tx.expense", req, lambda g, k: self._build_expense(req, g, k))

    def record_payment(self, **fields: object) -> TxView:
        """Record that `payer` paid `payee`. Fields are those of `RecordPayment`."""
        req = validate(RecordPayment, **fields)

        def build(group: GroupView, key: str) -> domain.Transaction:
            currency = req.currency or group.currency
            try:
                return domain.build_payment(
                    payer=req.payer,
                    payee=req.payee,
                    amount=domain.parse_amount(req.amount, currency),
                    currency=currency,
                    date=req.date or dt.date.today(),
                    idempotency_key=key,
                    description=req.description,
                )
            except DomainError as exc:
                raise InvalidInput(str(exc), field=exc.field) from None

        return self._record("tx.payment", req, build)

    def _record(
        self,
        action: str,
        req: RecordExpense | RecordPayment,
        build: Callable[[GroupView, str], domain.Transaction],
    ) -> TxView:
        key = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint(action)

        def work(session: Session) -> TxView:
            group = self._group(session, req.group, lock=True)
            seen = self._replay(session, key, fingerprint, action)
            if seen is not None:
                return self._tx_view(session, seen)
            tx = build(self._group_view(session, group), key)
            self._require_active(session, group, (p.account for p in tx.postings))
            view = self._append(session, group, tx, action=action)
            repository.save_request(session, key, fingerprint, action, view.id)
            return view

        return self._write(action.replace("tx.", "record "), work)

    def reverse(self, tx_id: int, *, key: str | None = None, date: dt.date | None = None) -> TxView:
        """Undo a transaction by recording its exact negation (a transaction reverses once)."""
        req = validate(Reverse, tx_id=tx_id, key=key, date=date)
        key_ = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint("tx.reverse")

        def work(session: Session) -> TxView:
            original = repository.get_transaction(session, req.tx_id)
            if original is None:
                raise NotFound(f"no transaction with id {req.tx_id}", field="tx")
            group = repository.lock_group(session, original.group_id)
            seen = self._replay(session, key_, fingerprint, "tx.reverse")
            if seen is not None:
                return self._tx_view(session, seen)
            view = self._reverse_locked(session, group, original, key_, req.date)
            repository.save_request(session, key_, fingerprint, "tx.reverse", view.id)
            return view

        return self._write("reverse", work)

    def _reverse_locked(
        self,
        session: Session,
        group: GroupRow,
        original: TransactionRow,
        key: str,
        date: dt.date | None,
    ) -> TxView:
        if original.kind == domain.TxKind.REVERSAL:
            raise Conflict(f"transaction {original.id} is a reversal; it cannot be reversed")
        done = repository.find_reversal(session, original.id)
        if done is not None:
            raise Conflict(f"transaction {original.id} was already reversed by {done.id}")
        postings = repository.postings_of(session, [original.id])[original.id]
        tx = domain.build_reversal(
            repository.to_domain(original, postings),
            original_id=original.id,
            date=date or dt.date.today(),
            idempotency_key=key,
        )
        return self._append(session, group, tx, action="tx.reverse")

    def edit_expense(self, tx_id: int, **fields: object) -> TxView:
        """Replace an expense: its reversal and the new version, in one transaction."""
        req = validate(RecordExpense, **fields)
        key = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint(f"tx.edit:{tx_id}")

        def work(session: Session) -> TxView:
            original = repository.get_transaction(session, tx_id)
            if original is None:
                raise NotFound(f"no transaction with id {tx_id}", field="tx")
            group = repository.lock_group(session, original.group_id)
            if group.name != req.group:
                raise InvalidInput("an expense cannot move to another group", field="group")
            seen = self._replay(session, key, fingerprint, "tx.edit")
            if seen is not None:
                return self._tx_view(session, seen)
            if original.kind != domain.TxKind.EXPENSE:
                raise Conflict(f"transaction {tx_id} is a {original.kind}; only expenses edit")
            tx = self._build_expense(req, self._group_view(session, group), key)
            self._require_active(session, group, (p.account for p in tx.postings))
            self._reverse_locked(session, group, original, f"{key}:reversal", None)
            view = self._append(session, group, tx, action="tx.edit", replaces_id=original.id)
            repository.save_request(session, key, fingerprint, "tx.edit", view.id)
            return view

        return self._write("edit expense", work)

    def transaction(self, tx_id: int) -> TxDetail:
        def work(session: Session) -> TxDetail:
            view = self._tx_view(session, tx_id)
            related = [tx_id, *(i for i in (view.reversed_by,) if i is not None)]
            trail = tuple(
                AuditEntry(a.at, a.actor, a.action, a.payload)
                for a in repository.audit_trail(session, related)
            )
            return TxDetail(view, trail)

        return self._read(work)

    def import_transactions(
        self,
        group: str,
        currency: str,
        members: Sequence[str],
        entries: Sequence[ImportEntry],
        *,
        source: str,
        expected: Mapping[tuple[str, str], int] | None = None,
        dry_run: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Append many transactions atomically: all or none.

        Creates the group and any missing members. A transaction whose idempotency key is
        already on the ledger with identical content is skipped (so re-importing a file
        adds nothing); with different content it is an `IdempotencyConflict`. With
        `expected` ({(member, currency): change}), the balance changes the import makes
        must match it to the minor unit, else nothing is committed. `dry_run` does all the
        work and checks, then rolls back.
        """
        req = validate(CreateGroup, name=group, currency=currency, members=tuple(members))

        class _DryRun(Exception):
            pass

        outcome: list[ImportReport] = []

        def work(session: Session) -> ImportReport:
            row = repository.find_group(session, req.name, lock=True)
            created = row is None
            if row is None:
                row = repository.add_group(session, req.name, req.currency)
            existing = self._member_rows(session, row)
            added = [m for m in req.members if m not in existing]
            for name in req.members:
                if name in existing and existing[name].archived_at is not None:
                    self._restore(session, row, existing[name], f"listed by {source}")
            for name in added:
                repository.add_member(session, row.id, name)
            session.info.pop("members", None)
            before = {(m, c): a for m, c, a in repository.balances(session, row.id)}
            recorded, skipped = self._import_entries(session, row, entries, source, progress)
            after = {(m, c): a for m, c, a in repository.balances(session, row.id)}
            changes = {
                k: after.get(k, 0) - before.get(k, 0)
                for k in after.keys() | before.keys()
                if after.get(k, 0) != before.get(k, 0)
            }
            mismatches: list[str] = []
            if expected is not None and recorded:
                wanted = {k: v for k, v in expected.items() if v}
                for member, cur in sorted(wanted.keys() | changes.keys()):
                    want, got = wanted.get((member, cur), 0), changes.get((member, cur), 0)
                    if want != got:
                        mismatches.append(f"{member} {cur}: file {want}, ledger {got}")
            report = ImportReport(
                group=req.name,
                created_group=created,
                added_members=tuple(added),
                recorded=recorded,
                skipped=skipped,
                changes=changes,
                mismatches=tuple(mismatches),
                committed=not dry_run and not mismatches,
            )
            if mismatches:
                raise InvalidInput(
                    f"{source}: totals do not reconcile, nothing was imported: "
                    + "; ".join(mismatches),
                    field="file",
                )
            repository.audit(
                session,
                actor=self.actor,
                action="import",
                group_id=row.id,
                entity_id=None,
                payload={
                    "source": source,
                    "recorded": recorded,
                    "skipped": skipped,
                    "dry_run": dry_run,
                },
            )
            logs.event(
                "import",
                group=req.name,
                source=source,
                recorded=recorded,
                skipped=skipped,
                dry_run=dry_run,
            )
            if dry_run:
                outcome.append(report)
                raise _DryRun
            return report

        try:
            return self._write("import", work)
        except _DryRun:
            return outcome[0]

    def _import_entries(
        self,
        session: Session,
        group: GroupRow,
        entries: Sequence[ImportEntry],
        source: str,
        progress: Callable[[int], None] | None,
    ) -> tuple[int, int]:
        """Append `entries` in chunks; returns (recorded, skipped). Keys already on the
        ledger (or earlier in the file) with the same content are skipped; links to
        earlier transactions are resolved by key to local ids."""
        ids: dict[str, int] = {}  # key -> local id, for keys on the ledger or written now
        seen: dict[str, domain.Transaction] = {}  # key -> content, for keys written now
        pending: list[tuple[domain.Transaction, int | None]] = []
        recorded = skipped = 0

        def flush() -> None:
            nonlocal recorded
            if pending:
                views = self._append_many(
                    session, group, pending, action="tx.import", log_each=False
                )
                ids.update((v.idempotency_key, v.id) for v in views)
                recorded += len(pending)
                pending.clear()

        def local_id(key: str, index: int, on_ledger: dict[str, TransactionRow]) -> int:
            if any(tx.idempotency_key == key for tx, _ in pending):
                flush()
            if key in ids:
                return ids[key]
            linked = on_ledger.get(key)
            if linked is None or linked.group_id != group.id:
                raise InvalidInput(
                    f"{source}: transaction {index} links to {key!r}, which is not in this group",
                    field="file",
                )
            return linked.id

        for start in range(0, len(entries), _IMPORT_CHUNK):
            chunk = entries[start : start + _IMPORT_CHUNK]
            keys = [e.tx.idempotency_key for e in chunk]
            keys += [k for e in chunk for k in (e.reverses_key, e.replaces_key) if k]
            on_ledger = repository.find_by_keys(session, (k for k in keys if k not in ids))
            stored = repository.postings_of(
                session, [r.id for k, r in on_ledger.items() if k not in ids]
            )
            for offset, entry in enumerate(chunk):
                index = start + offset + 1
                tx = entry.tx
                if entry.reverses_key:
                    target = local_id(entry.reverses_key, index, on_ledger)
                    try:
                        tx = dataclasses.replace(tx, reverses=target)
                    except DomainError as exc:
                        raise InvalidInput(
                            f"{source}: transaction {index}: {exc}", field="file"
                        ) from None
                key = tx.idempotency_key
                prior = on_ledger.get(key)
                earlier = seen.get(key)  # written earlier in this import
                if prior is not None and key not in seen:
                    same = repository.to_domain(prior, stored.get(prior.id, []))
                    if prior.group_id != group.id or same != tx:
                        raise IdempotencyConflict(
                            f"{source}: transaction {index} has key {key!r}, which the "
                            "ledger holds with different content"
                        )
                    skipped += 1
                elif earlier is not None:
                    if earlier != tx:
                        raise IdempotencyConflict(
                            f"{source}: transaction {index} reuses key {key!r} with "
                            "different content"
                        )
                    skipped += 1
                else:
                    replaces = (
                        local_id(entry.replaces_key, index, on_ledger)
                        if entry.replaces_key
                        else None
                    )
                    pending.append((tx, replaces))
                    seen[key] = tx
            flush()
            if progress is not None:
                progress(min(start + _IMPORT_CHUNK, len(entries)))
        return recorded, skipped

    def iter_transactions(self, group: str, *, batch: int = 1000) -> Iterator[TxView]:
        """Every transaction of `group`, oldest first (by sequence), read in batches so
        that exports of large groups run in bounded memory."""
        after = 0
        while True:

            def work(session: Session, after: int = after) -> list[TxView]:
                row = self._group(session, group)
                return self._tx_views(session, repository.after_seq(session, row.id, after, batch))

            page = self._read(work)
            if not page:
                return
            yield from page
            after = page[-1].seq

    # -- reading -------------------------------------------------------------------

    def balances(self, group: str) -> BalancesView:
        """Each member's balance per currency (members with no postings show zero)."""

        def work(session: Session) -> BalancesView:
            row = self._group(session, group)
            active = {m.name for m in repository.members(session, row.id)}
            found = {
                (m, c): a
                for m, c, a in repository.balances(session, row.id)
                if a != 0 or m in active  # removed members show only while not at zero
            }
            for name in active:
                found.setdefault((name, row.currency), 0)
            items = tuple(BalanceView(m, c, a) for (m, c), a in sorted(found.items()))
            spent = repository.total_spent(session, row.id)
            return BalancesView(row.name, row.currency, items, spent)

        return self._read(work)

    def history(
        self,
        group: str,
        *,
        limit: int = 50,
        before: tuple[dt.date, int] | None = None,
        text: str | None = None,
        member: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[TxView]:
        """A page of transactions, newest first; pass the last one's (date, id) as
        `before` for the next page."""
        if limit < 1 or limit > 10_000:
            raise InvalidInput("limit must be between 1 and 10000", field="limit")
        if kind is not None and kind not in {k.value for k in domain.TxKind}:
            raise InvalidInput(f"unknown kind {kind!r}", field="kind")
        flt = HistoryFilter(text, member, category, kind, date_from, date_to)

        def work(session: Session) -> list[TxView]:
            row = self._group(session, group)
            rows = repository.history(session, row.id, flt, limit=limit, before=before)
            return self._tx_views(session, rows)

        return self._read(work)

    # -- settling up ---------------------------------------------------------------

    def settle_plan(self, group: str) -> list[Transfer]:
        """The fewest transfers that zero every balance, per currency."""
        view = self.balances(group)
        by_currency: dict[str, dict[str, int]] = {}
        for b in view.balances:
            by_currency.setdefault(b.currency, {})[b.member] = b.minor
        return domain.plan_all(by_currency)

    def record_settlement(
        self, group: str, transfers: Sequence[Transfer], *, key: str | None = None
    ) -> list[TxView]:
        """Record each transfer as a payment (keys derived from `key` and position)."""
        base = key or f"auto:{uuid.uuid4()}"
        return [
            self.record_payment(
                group=group,
                payer=t.payer,
                payee=t.payee,
                amount=domain.format_amount(t.minor, t.currency, grouping=False),
                currency=t.currency,
                description=f"Settle up: {t.payer} paid {t.payee}",
                key=f"{base}:{i}",
            )
            for i, t in enumerate(transfers)
        ]

    # -- checking ------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        from splitledger.services.verify import run_checks

        return self._read(run_checks)


def _payers(paid_by: Sequence[tuple[str, str | None]], total: int, currency: str) -> dict[str, int]:
    names = [name for name, _ in paid_by]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(f"paid_by: {', '.join(dupes)} listed twice", field="paid_by")
    open_ = [name for name, amount in paid_by if amount is None]
    if len(open_) > 1:
        raise InvalidInput(
            "paid_by: with several payers, give each an amount (one may be left to pay the rest)",
            field="paid_by",
        )
    payers = {
        name: domain.parse_amount(amount, currency, field=f"paid by {name}")
        for name, amount in paid_by
        if amount is not None
    }
    if open_:
        rest = total - sum(payers.values())
        if rest <= 0:
            raise InvalidInput(
                f"paid_by: the other payers already cover the total, so {open_[0]} pays nothing",
                field="paid_by",
            )
        payers = {name: payers.get(name, rest) for name in names}
    return payers


def _split(
    mode: str,
    participants: Sequence[tuple[str, str | None]],
    members: Sequence[str],
    currency: str,
) -> domain.Split:
    chosen = list(participants) or [(m, None) for m in members]
    if not chosen:
        raise InvalidInput("the group has no members to split between", field="participants")
    names = [n for n, _ in chosen]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(f"participants: {', '.join(dupes)} listed twice", field="participants")
    values = dict(chosen)

    def need(name: str) -> str:
        value = values[name]
        if value is None:
            raise InvalidInput(f"{mode} split: give a value for {name}", field="participants")
        return value

    if mode == "equal":
        if any(v is not None for v in values.values()):
            raise InvalidInput("equal split: participants take no values", field="participants")
        return domain.Equal(tuple(names))
    if mode == "exact":
        return domain.Exact(
            {
                n: domain.parse_amount(need(n), currency, allow_zero=True, field=f"share of {n}")
                for n in names
            }
        )
    if mode == "percent":
        return domain.Percent(
            {
                n: domain.parse_decimal(need(n), field=f"percent of {n}", allow_percent=True)
                for n in names
            }
        )
    if mode == "shares":
        return domain.Shares(
            {
                n: Decimal(1)
                if values[n] is None
                else domain.parse_decimal(need(n), field=f"shares of {n}")
                for n in names
            }
        )
    return domain.Adjust(
        {
            n: 0
            if values[n] is None
            else domain.parse_amount(
                need(n), currency, allow_zero=True, allow_negative=True, field=f"adjust of {n}"
            )
            for n in names
        }
    )
