"""Changing a bill: editing an expense (only the fields given, the rest kept) and
undoing the last edit or deletion, each recorded as a new version of the bill (ADR 0011;
bills.py reads the versions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from splitledger import domain
from splitledger.services import bill_changes as changes
from splitledger.services import inputs, views
from splitledger.services.bills import (
    EXPENSE,
    REVERSAL,
    BillCases,
    expense_row,
)
from splitledger.services.entries import Bill, EntryCases, check_id, named_in
from splitledger.services.errors import Conflict, InvalidInput
from splitledger.services.idempotency import Idempotent, new_key
from splitledger.services.inputs import validate
from splitledger.store import definitions, repository
from splitledger.store.records import TxRecord
from splitledger.store.repository import GroupHead
from splitledger.store.unit import Unit


class BillEditCases(BillCases, EntryCases):
    """Edit an expense; undo the last change to a bill."""

    def edit_expense(
        self,
        tx_id: int,
        *,
        description: str | None = None,
        amount: str | None = None,
        currency: str | None = None,
        paid_by: Sequence[tuple[str, str | None]] | None = None,
        split: str | None = None,
        participants: Sequence[tuple[str, str | None]] | None = None,
        date: dt.date | None = None,
        category: str | None = None,
        key: str | None = None,
        items: inputs.Items | None = None,
        tax: str | None = None,
        tip: str | None = None,
        note: str | None = None,
    ) -> views.EditOutcome:
        """Change the fields given of expense `tx_id`, keeping the rest of its
        definition, and record the result as a new version (the current one reversed,
        the new one replacing it, atomically). Shares are recomputed from the definition:
        an equal split stays equal. Nothing given or nothing different records nothing
        (`tx` None). Only the bill's current version can be edited. `note` None keeps
        the note, '' clears it."""
        check_id(tx_id)
        req = validate(
            inputs.EditExpense,
            tx_id=tx_id,
            description=description,
            amount=amount,
            currency=currency,
            paid_by=None if paid_by is None else tuple(paid_by),
            split=split,
            participants=None if participants is None else tuple(participants),
            date=date,
            category=category,
            key=key,
            items=None if items is None else tuple((d, a, tuple(m)) for d, a, m in items),
            tax=tax,
            tip=tip,
            note=note,
        )
        key_ = req.key or new_key()
        once = Idempotent.of("tx.edit", req, key_)

        def work(unit: Unit) -> views.EditOutcome:
            original = expense_row(unit, tx_id, any_kind=True)
            group = self._locked_group_of(unit, original)
            return once.run(
                unit,
                replay=partial(self._outcome, unit, group),
                write=lambda: self._edit_locked(unit, group, original, req, key_, once.operation),
            )

        return self._write("edit expense", work)

    def _edit_locked(
        self,
        unit: Unit,
        group: GroupHead,
        original: TxRecord,
        req: inputs.EditExpense,
        key_: str,
        action: str,
    ) -> tuple[views.EditOutcome, int | None]:
        """Edit `original` (locked) as `req` asks; the outcome, and the id of the new
        version (None when nothing changed, so nothing was recorded)."""
        if original.kind != EXPENSE:
            raise Conflict(f"transaction #{original.id} is a {original.kind}; only expenses edit")
        self._refuse_stale(self._chain(unit, original), original.id, "edit")
        old = self._definition(unit, group, original)
        try:
            tx, bill = self._build_expense(
                changes.merged(old, req), self._group_view(unit, group), key_
            )
        except InvalidInput as exc:
            if exc.field != "exact" or req.participants is not None:
                raise
            raise InvalidInput(
                f"expense #{original.id} is split as exact amounts adding up to {old.amount} "
                f"{old.currency}: give the new shares too, or another split",
                field="participants",
            ) from None
        new = changes.built(old.tx_id, old.group, tx, bill)
        if changes.same(old, changes.kept(old, new, req)):
            return views.EditOutcome(None, ()), None  # nothing recorded, nothing to replay
        before = repository.postings_of(unit, [original.id])[original.id]
        if changes.same_money(old, new):  # its odd cents stay where they were
            tx = _expense_of(before, tx.date, tx.description, tx.category, key_, tx.note)
        view = self._replace(unit, group, original, tx, bill, key_, action)
        order = list(self._member_rows(unit, group))
        return views.EditOutcome(view, changes.diff(old, new, before, tx.postings, order)), view.id

    def _replace(
        self,
        unit: Unit,
        group: GroupHead,
        current: TxRecord,
        tx: domain.Transaction,
        bill: Bill | None,
        key: str,
        action: str,
    ) -> views.TxView:
        """Reverse `current` and record `tx` (with its definition, unless derived) as
        the version replacing it, both audited as `action`."""
        self._require_active(unit, group, named_in(tx, bill))
        self._reverse_locked(unit, group, current, f"{key}:reversal", None, action=action)
        view = self._append(unit, group, tx, action=action, replaces_id=current.id)
        if bill is not None:
            self._save_bill(unit, group, view.id, bill)
        return view

    def _outcome(self, unit: Unit, group: GroupHead, tx_id: int) -> views.EditOutcome:
        """The outcome of an edit already recorded as `tx_id` (a repeated key)."""
        view = self._tx_view(unit, tx_id)
        rows = definitions.transactions(unit, [tx_id, view.replaces_id or tx_id])
        defs = self._definitions(unit, group, rows.values())
        if view.replaces_id not in defs:
            return views.EditOutcome(view, ())
        old, new = defs[view.replaces_id], defs[tx_id]
        postings = repository.postings_of(unit, [old.tx_id, new.tx_id])
        return views.EditOutcome(
            view, changes.diff(old, new, postings[old.tx_id], postings[new.tx_id])
        )

    # -- undo ----------------------------------------------------------------------

    def undo(self, tx_id: int, *, key: str | None = None) -> views.TxView:
        """Undo the last change to a bill, once. `tx_id` a deleted expense (or its
        reversal): the expense comes back as a new version. `tx_id` the current version
        made by an edit: back to the previous version, recorded as an edit. Either way
        the version brought back is recorded again exactly (its postings, odd cents
        included, and its definition) under a new key."""
        check_id(tx_id)
        req = validate(inputs.Undo, tx_id=tx_id, key=key)
        key_ = req.key or new_key()
        once = Idempotent.of("tx.undo", req, key_)

        def work(unit: Unit) -> views.TxView:
            target = expense_row(unit, tx_id, any_kind=True)
            group = self._locked_group_of(unit, target)

            def write() -> tuple[views.TxView, int]:
                view = self._undo_locked(unit, group, target, key_)
                return view, view.id

            return once.run(unit, replay=partial(self._tx_view, unit), write=write)

        return self._write("undo", work)

    def _undo_locked(
        self, unit: Unit, group: GroupHead, target: TxRecord, key: str
    ) -> views.TxView:
        expense = target
        if target.kind == REVERSAL and target.reverses_id is not None:
            expense = expense_row(unit, target.reverses_id, any_kind=True)
        if expense.kind != EXPENSE:
            raise Conflict(
                f"transaction #{target.id} is a {target.kind}; only an edit or a deletion "
                "of an expense can be undone"
            )
        chain = self._chain(unit, expense)
        at = next(i for i, (row, _) in enumerate(chain) if row.id == expense.id)
        current, current_kind = chain[-1]
        now = f"#{current.id}" + (" (deleted)" if current_kind == "deleted" else "")
        if at + 1 < len(chain):
            later, how = chain[at + 1]
            if how == "deleted" and at + 2 == len(chain):
                return self._restore_deleted(unit, group, expense, key, later.date)
            if how == "deleted":
                raise Conflict(
                    f"the deletion of expense #{expense.id} was already undone; the "
                    f"current version is {now}"
                )
            if how == "undone":
                raise Conflict(
                    f"the change that made expense #{expense.id} was already undone "
                    f"(#{later.id}); the current version is {now}"
                )
            raise Conflict(
                f"expense #{expense.id} was edited since; the current version is {now}: "
                "undo that version's change instead"
            )
        kind = chain[at][1]
        if kind in {"recorded", "imported"}:
            raise Conflict(
                f"expense #{expense.id} has not been edited or deleted: there is nothing to "
                "undo (delete it to take it back)"
            )
        if kind == "restored":
            raise Conflict(
                f"expense #{expense.id} brought back a deleted expense; delete it to undo that"
            )
        tx, bill = self._again(unit, group, chain[at - 1][0], key)
        return self._replace(unit, group, expense, tx, bill, key, "tx.undo")

    def _restore_deleted(
        self, unit: Unit, group: GroupHead, expense: TxRecord, key: str, deleted_on: dt.date
    ) -> views.TxView:
        """`expense` again, on its own day; or, when its deletion was dated later (a
        cancellation from that day on), on the deletion's day: from its own day it would
        count twice on the days between, beside the original still standing then."""
        tx, bill = self._again(unit, group, expense, key)
        if deleted_on > tx.date:
            tx = replace(tx, date=deleted_on)
        self._require_active(unit, group, named_in(tx, bill))
        view = self._append(unit, group, tx, action="tx.restore", replaces_id=expense.id)
        if bill is not None:
            self._save_bill(unit, group, view.id, bill)
        return view

    def _again(
        self, unit: Unit, group: GroupHead, version: TxRecord, key: str
    ) -> tuple[domain.Transaction, Bill | None]:
        """`version` recorded again under a new key: its very postings and its
        definition, to store unless derived (the copy derives the same from them)."""
        defn = self._definition(unit, group, version)
        postings = repository.postings_of(unit, [version.id])[version.id]
        tx = _expense_of(
            postings, version.date, version.description, version.category, key, version.note
        )
        if defn.derived:
            return tx, None
        return tx, Bill(
            defn.amount, defn.currency, defn.paid_by, defn.split, defn.participants, defn.receipt
        )


def _expense_of(
    postings: Sequence[domain.Posting],
    date: dt.date,
    description: str,
    category: str,
    key: str,
    note: str = "",
) -> domain.Transaction:
    """An expense of exactly these postings (rather than built anew, where the odd cents
    would follow the new key's seed)."""
    return domain.Transaction(
        kind=domain.TxKind.EXPENSE,
        postings=tuple(postings),
        date=date,
        description=description,
        idempotency_key=key,
        category=category,
        note=note,
    )
