"""Use cases that record entries: expenses (with their definitions), payments and
reversals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import partial
from typing import NamedTuple, Unpack

from splitledger import domain
from splitledger.domain import DomainError
from splitledger.services import inputs, views
from splitledger.services.core import LedgerCore, refuse_archived
from splitledger.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from splitledger.services.idempotency import Idempotent, new_key
from splitledger.services.inputs import ExpenseFields, PaymentFields, SplitMode, validate
from splitledger.store import definitions, repository
from splitledger.store.records import TxRecord
from splitledger.store.repository import GroupHead, MemberRef
from splitledger.store.unit import Unit


class EntryCases(LedgerCore):
    """Record, preview and reverse entries; read one with its audit trail."""

    def _build_expense(
        self, req: inputs.RecordExpense, group: views.GroupView, key: str
    ) -> tuple[domain.Transaction, Bill]:
        """The expense and its definition, canonical: members as the group names them,
        participants listed (everyone when none is), values as normalised text."""
        currency = req.currency or group.currency
        paid_by = tuple((_member_named(n, group), v) for n, v in req.paid_by)
        participants = tuple((_member_named(n, group), v) for n, v in req.participants)
        receipt: views.Receipt | None = None
        split: domain.Split
        for_text: tuple[tuple[str, str | None], ...]
        try:
            total = domain.parse_amount(req.amount, currency)
            payers, paid_text = _payers(paid_by, total, currency)
            if req.split == "itemised":
                split, receipt = _itemised(req, group, currency, total)
                for_text = tuple(
                    (n, None) for n in dict.fromkeys(m for _, _, ms in receipt.items for m in ms)
                )
            else:
                split, for_text = _split(req.split, participants, group.members, currency)
                if isinstance(split, domain.Exact) and sum(split.amounts.values()) != total:
                    shown = partial(domain.format_amount, currency=currency)
                    raise InvalidInput(
                        f"the exact shares add up to {shown(sum(split.amounts.values()))} "
                        f"{currency}, not the bill of {shown(total)} {currency}",
                        field="exact",
                    )
            tx = domain.build_expense(
                total=total,
                currency=currency,
                payers=payers,
                split=split,
                date=req.date or dt.date.today(),
                description=req.description,
                idempotency_key=key,
                category=req.category,
            )
            if req.note:
                tx = replace(tx, note=req.note)
        except DomainError as exc:
            raise InvalidInput(str(exc), field=exc.field) from None
        amount = domain.format_amount(total, currency, grouping=False)
        return tx, Bill(amount, currency, paid_text, req.split, for_text, receipt)

    def preview_expense(
        self, group: views.GroupView, *, key: str | None = None, **fields: Unpack[ExpenseFields]
    ) -> domain.Transaction:
        """Build (not record) an expense, for live previews; raises `InvalidInput`."""
        req = validate(inputs.RecordExpense, group=group.name, key=key, **fields)
        return self._build_expense(req, group, req.key or "preview")[0]

    def record_expense(
        self, group: str, *, key: str | None = None, **fields: Unpack[ExpenseFields]
    ) -> views.TxView:
        """Record an expense in `group` (see `ExpenseFields` and `inputs.RecordExpense`)."""
        req = validate(inputs.RecordExpense, group=group, key=key, **fields)
        return self._record("tx.expense", req, lambda g, k: self._build_expense(req, g, k))

    def preview_payment(
        self, group: views.GroupView, *, key: str | None = None, **fields: Unpack[PaymentFields]
    ) -> domain.Transaction:
        """Build (not record) a payment, for the payment form's preview: the same checks
        and build as `record_payment`; raises `InvalidInput`."""
        req = validate(inputs.RecordPayment, group=group.name, key=key, **fields)
        return _build_payment(req, group, req.key or "preview")

    def record_payment(
        self, group: str, *, key: str | None = None, **fields: Unpack[PaymentFields]
    ) -> views.TxView:
        """Record that `payer` paid `payee` in `group` (see `PaymentFields`)."""
        req = validate(inputs.RecordPayment, group=group, key=key, **fields)
        return self._record("tx.payment", req, lambda g, k: (_build_payment(req, g, k), None))

    def _record(
        self,
        operation: str,
        req: inputs.RecordExpense | inputs.RecordPayment,
        build: Callable[[views.GroupView, str], tuple[domain.Transaction, Bill | None]],
    ) -> views.TxView:
        key = req.key or new_key()
        once = Idempotent.of(operation, req, key)

        def work(unit: Unit) -> views.TxView:
            group = self._group(unit, req.group, lock=True)

            def write() -> tuple[views.TxView, int]:
                tx, bill = build(self._group_view(unit, group), key)
                self._require_active(unit, group, named_in(tx, bill))
                view = self._append(unit, group, tx, action=operation)
                if bill is not None:
                    self._save_bill(unit, group, view.id, bill)
                return view, view.id

            return once.run(unit, replay=partial(self._tx_view, unit), write=write)

        return self._write(operation.replace("tx.", "record "), work)

    def _save_bill(self, unit: Unit, group: GroupHead, tx_id: int, bill: Bill) -> None:
        """Store how the expense `tx_id` was split, members by id (ADR 0011)."""
        stored = bill.stored(self._member_rows(unit, group))
        definitions.save(unit, tx_id, stored)

    @staticmethod
    def _locked_group_of(unit: Unit, original: TxRecord) -> GroupHead:
        group = repository.group_head(unit, group_id=original.group_id, lock=True)
        assert group is not None  # noqa: S101 (a foreign key guarantees it)
        refuse_archived(group)
        return group

    def reverse(
        self, tx_id: int, *, key: str | None = None, date: dt.date | None = None
    ) -> views.TxView:
        """Undo a transaction by recording its exact negation (a transaction reverses once)."""
        check_id(tx_id)
        req = validate(inputs.Reverse, tx_id=tx_id, key=key, date=date)
        key_ = req.key or new_key()
        once = Idempotent.of("tx.reverse", req, key_)

        def work(unit: Unit) -> views.TxView:
            original = repository.get_transaction(unit, req.tx_id)
            if original is None:
                raise NotFound(f"no such transaction #{req.tx_id}", field="tx")
            group = self._locked_group_of(unit, original)

            def write() -> tuple[views.TxView, int]:
                view = self._reverse_locked(
                    unit, group, original, key_, req.date, action=once.operation
                )
                return view, view.id

            return once.run(unit, replay=partial(self._tx_view, unit), write=write)

        return self._write("reverse", work)

    def _reverse_locked(
        self,
        unit: Unit,
        group: GroupHead,
        original: TxRecord,
        key: str,
        date: dt.date | None,
        *,
        action: str,
    ) -> views.TxView:
        """Reverse `original`; `action` names the change it belongs to in the audit log
        (an edit's reversal is `tx.edit`, so the log does not read as a deletion).

        Dated on `original`'s own day unless `date` says otherwise, and never before it:
        a reversal dated earlier would take back, as of the days between, what was not
        yet there, and an edit's reversal dated later would count both versions on the
        days between (ADR 0017, amended)."""
        if original.kind == domain.TxKind.REVERSAL:
            raise Conflict(f"transaction {original.id} is a reversal; it cannot be reversed")
        done = repository.find_reversal(unit, original.id)
        if done is not None:
            raise Conflict(f"transaction {original.id} was already reversed by {done.id}")
        if date is not None and date < original.date:
            raise InvalidInput(
                f"transaction #{original.id} is dated {original.date.isoformat()}: its "
                f"reversal cannot be dated before it ({date.isoformat()})",
                field="date",
            )
        postings = repository.postings_of(unit, [original.id])[original.id]
        tx = domain.build_reversal(
            repository.to_domain(original, postings),
            original_id=original.id,
            date=date or original.date,
            idempotency_key=key,
        )
        return self._append(unit, group, tx, action=action)

    def transaction(self, tx_id: int) -> views.TxDetail:
        check_id(tx_id)

        def work(unit: Unit) -> views.TxDetail:
            view = self._tx_view(unit, tx_id)
            related = [tx_id, *(i for i in (view.reversed_by,) if i is not None)]
            trail = tuple(
                views.AuditEntry(a.at, a.actor, a.action, a.payload)
                for a in repository.audit_trail(unit, related)
            )
            return views.TxDetail(view, trail)

        return self._read(work)


def _build_payment(
    req: inputs.RecordPayment, group: views.GroupView, key: str
) -> domain.Transaction:
    """The payment `req` asks for in `group`, under `key` (payer and payee as the group
    knows them: `Ann` pays as `ann`)."""
    currency = req.currency or group.currency
    try:
        payment = domain.build_payment(
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
    return replace(payment, note=req.note) if req.note else payment


def _member_named(name: str, group: views.GroupView) -> str:
    """The member `name` refers to: itself, or the one member whose name reads the same
    (`Ann` pays as `ann`, ADR 0010); unknown names stay as typed, to be refused."""
    if name in group.members:
        return name
    key = domain.name_key(name)
    same = [m for m in group.members if domain.name_key(m) == key]
    return same[0] if len(same) == 1 else name


class Bill(NamedTuple):
    """How an expense was split, canonical (see `_build_expense`): what is stored with
    it (ADR 0011), members by name."""

    amount: str
    currency: str
    paid_by: tuple[tuple[str, str | None], ...]
    split: SplitMode
    participants: tuple[tuple[str, str | None], ...]
    receipt: views.Receipt | None = None

    def stored(
        self, rows: Mapping[str, MemberRef], *, everyone: bool = False
    ) -> definitions.StoredDefinition:
        """As the ledger stores it, members by id (`rows`: the group's by name); with
        `everyone`, no participants listed (a recurring bill's: whoever is a member on
        each occurrence's day)."""
        receipt = self.receipt
        return definitions.StoredDefinition(
            self.amount,
            self.currency,
            tuple((rows[name].id, value) for name, value in self.paid_by),
            self.split,
            () if everyone else tuple((rows[n].id, v) for n, v in self.participants),
            None
            if receipt is None
            else definitions.StoredReceipt(
                tuple((d, a, tuple(rows[m].id for m in ms)) for d, a, ms in receipt.items),
                receipt.tax,
                receipt.tip,
            ),
        )


def named_in(tx: domain.Transaction, bill: Bill | None) -> list[str]:
    """Everyone a new entry names: its postings' members and, for an expense, every
    payer and participant (a zero share posts nothing but must still be a member)."""
    names = [p.account for p in tx.postings]
    if bill is not None:
        names += [n for n, _ in (*bill.paid_by, *bill.participants)]
    return names


def check_id(tx_id: int) -> None:
    """An id no database row can have is simply not there (not an overflow)."""
    if not 0 < tx_id <= domain.MAX_ID:
        raise NotFound(f"no such transaction #{tx_id}", field="tx")


def _payers(
    paid_by: Sequence[tuple[str, str | None]], total: int, currency: str
) -> tuple[dict[str, int], tuple[tuple[str, str | None], ...]]:
    """Each payer's amount, and the payers as the definition keeps them: a lone payer
    pays it all (None); several keep their amounts, normalised, or None for the rest."""
    names = [name for name, _ in paid_by]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(f"paid by: {', '.join(dupes)} listed twice", field="paid_by")
    open_ = [name for name, amount in paid_by if amount is None]
    if len(open_) > 1:
        raise InvalidInput(
            "paid by: with several payers, give each an amount (one may be left to pay the rest)",
            field="paid_by",
        )
    given = {
        name: domain.parse_amount(amount, currency, field=f"paid by {name}")
        for name, amount in paid_by
        if amount is not None
    }
    payers = given
    if open_:
        rest = total - sum(given.values())
        given_text = f"{domain.format_amount(sum(given.values()), currency)} {currency}"
        bill = f"{domain.format_amount(total, currency)} {currency}"
        if rest < 0:
            raise InvalidInput(
                f"paid by: the amounts given add up to {given_text}, more than the bill of {bill}",
                field="paid_by",
            )
        if rest == 0:
            raise InvalidInput(
                f"paid by: the amounts given already cover the bill of {bill}, so "
                f"{open_[0]} would pay nothing; drop {open_[0]} or give each payer an amount",
                field="paid_by",
            )
        payers = {name: given.get(name, rest) for name in names}
    if len(names) == 1:
        return payers, ((names[0], None),)
    return payers, tuple(
        (n, None if n not in given else domain.format_amount(given[n], currency, grouping=False))
        for n in names
    )


def _itemised(
    req: inputs.RecordExpense, group: views.GroupView, currency: str, total: int
) -> tuple[domain.Itemised, views.Receipt]:
    """An itemised split and its receipt as the definition keeps it: each line's
    amount normalised, members as the group names them."""
    lines: list[tuple[str, str, tuple[str, ...]]] = []
    items: list[domain.Item] = []
    for number, (description, amount_text, members) in enumerate(req.items, start=1):
        names = tuple(_member_named(m, group) for m in members)
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InvalidInput(f"item {number}: {', '.join(dupes)} listed twice", field="items")
        amount = domain.parse_amount(amount_text, currency, field=f"item {number}")
        items.append(domain.Item(amount, names))
        lines.append((description, domain.format_amount(amount, currency, grouping=False), names))

    def extra(text: str | None, what: str) -> int:
        if text is None:
            return 0
        return domain.parse_amount(text, currency, allow_zero=True, field=what)

    tax, tip = extra(req.tax, "tax"), extra(req.tip, "tip")

    def shown(minor: int) -> str:
        return domain.format_amount(minor, currency, grouping=False)

    summed = sum(item.amount for item in items) + tax + tip
    if summed != total:
        raise InvalidInput(
            f"the items, tax and tip add up to {shown(summed)} {currency}, not the bill of "
            f"{shown(total)} {currency}",
            field="items",
        )

    split = domain.Itemised(tuple(items), tax, tip)
    return split, views.Receipt(tuple(lines), shown(tax), shown(tip))


def _split(
    mode: str,
    participants: Sequence[tuple[str, str | None]],
    members: Sequence[str],
    currency: str,
) -> tuple[domain.Split, tuple[tuple[str, str | None], ...]]:
    """The split, and the participants with their values as the definition keeps them:
    listed (everyone when none is), each value normalised (equal: None; shares: 1 when
    not given; adjust: 0 when not given)."""
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

    def money(amounts: dict[str, int]) -> tuple[tuple[str, str | None], ...]:
        return tuple(
            (n, domain.format_amount(a, currency, grouping=False)) for n, a in amounts.items()
        )

    def number(numbers: dict[str, Decimal]) -> tuple[tuple[str, str | None], ...]:
        return tuple((n, format(d.normalize(), "f")) for n, d in numbers.items())

    if mode == "equal":
        if any(v is not None for v in values.values()):
            raise InvalidInput("equal split: participants take no values", field="participants")
        return domain.Equal(tuple(names)), tuple((n, None) for n in names)
    if mode == "exact":
        exact = {
            n: domain.parse_amount(need(n), currency, allow_zero=True, field=f"share of {n}")
            for n in names
        }
        return domain.Exact(exact), money(exact)
    if mode == "percent":
        percents = {
            n: domain.parse_decimal(need(n), field=f"percent of {n}", allow_percent=True)
            for n in names
        }
        return domain.Percent(percents), number(percents)
    if mode == "shares":
        weights = {
            n: Decimal(1)
            if values[n] is None
            else domain.parse_decimal(need(n), field=f"shares of {n}")
            for n in names
        }
        return domain.Shares(weights), number(weights)
    adjustments = {
        n: 0
        if values[n] is None
        else domain.parse_amount(
            need(n), currency, allow_zero=True, allow_negative=True, field=f"adjust of {n}"
        )
        for n in names
    }
    return domain.Adjust(adjustments), money(adjustments)
