"""The use cases of the ledger, shared by the CLI and the app.

Each write runs in one database transaction (the unit of work) inside a bounded retry
loop; it locks the group row first, answers a repeated idempotency key from the record
of the first answer, and appends to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import uuid
from collections.abc import Callable, Iterable, Sequence
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
from splitledger.store.schema import GroupRow, TransactionRow

T = TypeVar("T")
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

    def _member_ids(
        self, session: Session, group: GroupRow, names: Iterable[str]
    ) -> dict[str, int]:
        known = {m.name: m.id for m in repository.members(session, group.id)}
        for name in names:
            if name not in known:
                raise NotFound(f"{name!r} is not a member of {group.name!r}", field="member")
        return known

    def _group_view(self, session: Session, group: GroupRow) -> GroupView:
        names = tuple(m.name for m in repository.members(session, group.id))
        return GroupView(group.id, group.name, group.currency, names)

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
    ) -> TransactionRow:
        ids = self._member_ids(session, group, (p.account for p in tx.postings))
        row = repository.append_transaction(
            session, group, tx, ids, actor=self.actor, replaces_id=replaces_id
        )
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
        repository.audit(
            session,
            actor=self.actor,
            action=action,
            group_id=group.id,
            entity_id=row.id,
            payload=payload,
        )
        logs.event(action, group=group.name, tx=row.id, **payload)
        return row

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
            existing = {m.name for m in repository.members(session, row.id)}
            taken = [n for n in req.names if n in existing]
            if taken:
                raise InvalidInput(
                    f"{', '.join(map(repr, taken))} already in {req.group!r}", field="name"
                )
            for name in req.names:
                member = repository.add_member(session, row.id, name)
                repository.audit(
                    session,
                    actor=self.actor,
                    action="member.add",
                    group_id=row.id,
                    entity_id=member.id,
                    payload={"name": name},
                )
            if req.key:
                repository.save_request(session, req.key, fingerprint, "member.add", row.id)
            logs.event("member.add", group=req.group, names=req.names)
            return self._group_view(session, row)

        return self._write("add members", work)

    def groups(self) -> list[GroupView]:
        return self._read(lambda s: [self._group_view(s, g) for g in repository.list_groups(s)])

    def group(self, name: str) -> GroupView:
        return self._read(lambda s: self._group_view(s, self._group(s, name)))

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
            row = self._append(session, group, tx, action=action)
            repository.save_request(session, key, fingerprint, action, row.id)
            return self._tx_views(session, [row])[0]

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
            row = self._reverse_locked(session, group, original, key_, req.date)
            repository.save_request(session, key_, fingerprint, "tx.reverse", row.id)
            return self._tx_views(session, [row])[0]

        return self._write("reverse", work)

    def _reverse_locked(
        self,
        session: Session,
        group: GroupRow,
        original: TransactionRow,
        key: str,
        date: dt.date | None,
    ) -> TransactionRow:
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
            self._reverse_locked(session, group, original, f"{key}:reversal", None)
            row = self._append(session, group, tx, action="tx.edit", replaces_id=original.id)
            repository.save_request(session, key, fingerprint, "tx.edit", row.id)
            return self._tx_views(session, [row])[0]

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

    # -- reading -------------------------------------------------------------------

    def balances(self, group: str) -> BalancesView:
        """Each member's balance per currency (members with no postings show zero)."""

        def work(session: Session) -> BalancesView:
            row = self._group(session, group)
            found = {(m, c): a for m, c, a in repository.balances(session, row.id)}
            for member in repository.members(session, row.id):
                found.setdefault((member.name, row.currency), 0)
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
