"""Use cases that record entries: expenses, payments, reversals and edits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.domain import DomainError
from splitledger.services.core import LedgerCore, validate
from splitledger.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from splitledger.services.inputs import (
    RecordExpense,
    RecordPayment,
    Reverse,
)
from splitledger.services.views import (
    AuditEntry,
    GroupView,
    TxDetail,
    TxView,
)
from splitledger.store import repository
from splitledger.store.repository import GroupHead
from splitledger.store.schema import TransactionRow


class EntryCases(LedgerCore):
    """Record, preview, reverse and edit entries; read one with its audit trail."""

    def _build_expense(self, req: RecordExpense, group: GroupView, key: str) -> domain.Transaction:
        currency = req.currency or group.currency
        paid_by = tuple((_member_named(n, group), v) for n, v in req.paid_by)
        participants = tuple((_member_named(n, group), v) for n, v in req.participants)
        try:
            total = domain.parse_amount(req.amount, currency)
            payers = _payers(paid_by, total, currency)
            split = _split(req.split, participants, group.members, currency)
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
                    payer=_member_named(req.payer, group),
                    payee=_member_named(req.payee, group),
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

    @staticmethod
    def _locked_group_of(session: Session, original: TransactionRow) -> GroupHead:
        group = repository.group_head(session, group_id=original.group_id, lock=True)
        assert group is not None  # noqa: S101 (a foreign key guarantees it)
        return group

    def reverse(self, tx_id: int, *, key: str | None = None, date: dt.date | None = None) -> TxView:
        """Undo a transaction by recording its exact negation (a transaction reverses once)."""
        _check_id(tx_id)
        req = validate(Reverse, tx_id=tx_id, key=key, date=date)
        key_ = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint("tx.reverse")

        def work(session: Session) -> TxView:
            original = repository.get_transaction(session, req.tx_id)
            if original is None:
                raise NotFound(f"no such transaction #{req.tx_id}", field="tx")
            group = self._locked_group_of(session, original)
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
        group: GroupHead,
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
        _check_id(tx_id)
        req = validate(RecordExpense, **fields)
        key = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint(f"tx.edit:{tx_id}")

        def work(session: Session) -> TxView:
            original = repository.get_transaction(session, tx_id)
            if original is None:
                raise NotFound(f"no such transaction #{tx_id}", field="tx")
            group = self._locked_group_of(session, original)
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
        _check_id(tx_id)

        def work(session: Session) -> TxDetail:
            view = self._tx_view(session, tx_id)
            related = [tx_id, *(i for i in (view.reversed_by,) if i is not None)]
            trail = tuple(
                AuditEntry(a.at, a.actor, a.action, a.payload)
                for a in repository.audit_trail(session, related)
            )
            return TxDetail(view, trail)

        return self._read(work)


def _member_named(name: str, group: GroupView) -> str:
    """The member `name` refers to: itself, or the one member whose name reads the same
    (`Ann` pays as `ann`, ADR 0010); unknown names stay as typed, to be refused."""
    if name in group.members:
        return name
    key = domain.name_key(name)
    same = [m for m in group.members if domain.name_key(m) == key]
    return same[0] if len(same) == 1 else name


def _check_id(tx_id: int) -> None:
    """An id no database row can have is simply not there (not an overflow)."""
    if not 0 < tx_id <= domain.MAX_ID:
        raise NotFound(f"no such transaction #{tx_id}", field="tx")


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
        given = f"{domain.format_amount(sum(payers.values()), currency)} {currency}"
        bill = f"{domain.format_amount(total, currency)} {currency}"
        if rest < 0:
            raise InvalidInput(
                f"paid_by: the amounts given add up to {given}, more than the bill of {bill}",
                field="paid_by",
            )
        if rest == 0:
            raise InvalidInput(
                f"paid_by: the amounts given already cover the bill of {bill}, so "
                f"{open_[0]} would pay nothing; drop {open_[0]} or give each payer an amount",
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
