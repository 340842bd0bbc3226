"""A bill and its versions: the definition each expense keeps (how it was split), edits
that change only the fields given, undoing an edit or a deletion, and a bill's history
(ADR 0011).

A bill is a chain of expenses linked by `replaces_id`: an edit reverses the current
version and records the new one; a deletion is a reversal; undoing a deletion records the
deleted version again. The audit action of each new version says which
change made it (`tx.edit`, `tx.undo`, `tx.restore`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.services import bill_changes as changes
from splitledger.services.core import validate
from splitledger.services.entries import Bill, EntryCases, check_id, named_in
from splitledger.services.errors import Conflict, InvalidInput, NotFound
from splitledger.services.inputs import EditExpense, Undo
from splitledger.services.views import (
    BillVersion,
    EditOutcome,
    ExpenseDefinition,
    FieldChange,
    TxView,
)
from splitledger.store import definitions, repository
from splitledger.store.repository import GroupHead
from splitledger.store.schema import TransactionRow

_EXPENSE = domain.TxKind.EXPENSE.value
_REVERSAL = domain.TxKind.REVERSAL.value
#: Audit actions of a new version by the change that made it.
_VERSION_KIND = {"tx.undo": "undone", "tx.restore": "restored"}


class BillCases(EntryCases):
    """Read an expense's definition and its bill's versions; edit and undo."""

    def expense_definition(self, tx_id: int) -> ExpenseDefinition:
        """How expense `tx_id` was split; for an expense without a stored definition
        (recorded before they were kept, or imported), exact shares read off its
        postings (`derived`)."""
        check_id(tx_id)

        def work(session: Session) -> ExpenseDefinition:
            row = _expense(session, tx_id)
            return self._definitions(session, _head(session, row), [row])[row.id]

        return self._read(work)

    def _definitions(
        self, session: Session, group: GroupHead, rows: Iterable[TransactionRow]
    ) -> dict[int, ExpenseDefinition]:
        """The definitions of the expenses among `rows` (all of `group`)."""
        wanted = {r.id: r for r in rows if r.kind == _EXPENSE}
        stored = definitions.load(session, list(wanted))
        derive = [i for i in wanted if i not in stored]
        postings = repository.postings_of(session, derive) if derive else {}
        names = {m.id: name for name, m in self._member_rows(session, group).items()}
        found: dict[int, ExpenseDefinition] = {}
        for tx_id, row in wanted.items():
            got = stored.get(tx_id)
            if got is None:
                found[tx_id] = changes.derived(row, group.name, postings.get(tx_id, []))
                continue
            found[tx_id] = ExpenseDefinition(
                tx_id=tx_id,
                group=group.name,
                description=row.description,
                amount=got.amount,
                currency=got.currency,
                paid_by=tuple((names[m], v) for m, v in got.paid_by),
                split=changes.split_mode(got.split),
                participants=tuple((names[m], v) for m, v in got.participants),
                date=row.date,
                category=row.category,
            )
        return found

    def _definition(
        self, session: Session, group: GroupHead, row: TransactionRow
    ) -> ExpenseDefinition:
        return self._definitions(session, group, [row])[row.id]

    # -- versions ------------------------------------------------------------------

    def _chain(self, session: Session, row: TransactionRow) -> list[tuple[TransactionRow, str]]:
        """The versions of the bill `row` (an expense) belongs to, oldest first, each
        with how it came to be (see `BillVersion.kind`)."""
        seen = {row.id}
        while row.replaces_id is not None:
            earlier = repository.get_transaction(session, row.replaces_id)
            if earlier is None or earlier.id in seen:
                break
            seen.add(earlier.id)
            row = earlier
        seen = {row.id}  # forward, each version once (an import could link a loop)
        first = definitions.actions(session, [row.id]).get(row.id)
        chain = [(row, "imported" if first == "tx.import" else "recorded")]
        while True:
            reversal = repository.find_reversal(session, row.id)
            after = definitions.replacements(session, [row.id]).get(row.id)
            action = definitions.actions(session, [after.id]).get(after.id) if after else None
            if after is not None and after.id in seen:
                break
            if after is not None and action != "tx.restore":
                chain.append((after, _VERSION_KIND.get(action or "", "edited")))
            elif reversal is not None:
                chain.append((reversal, "deleted"))
                if after is None:
                    break
                chain.append((after, "restored"))
            else:
                break
            seen.add(after.id)
            row = after
        return chain

    def bill_versions(self, tx_id: int) -> tuple[BillVersion, ...]:
        """Every version of the bill transaction `tx_id` belongs to (an expense or its
        reversal), oldest first, each with the changes from the version before."""
        check_id(tx_id)

        def work(session: Session) -> tuple[BillVersion, ...]:
            chain = self._chain(session, _expense(session, tx_id, reversal_ok=True))
            group = _head(session, chain[0][0])
            rows = [r for r, _ in chain]
            defs = self._definitions(session, group, rows)
            postings = repository.postings_of(session, list(defs))
            members = self._member_rows(session, group)
            versions: list[BillVersion] = []
            last: ExpenseDefinition | None = None
            for row, kind in chain:
                now = defs.get(row.id)
                diffs: tuple[FieldChange, ...] = ()
                if now is not None and last is not None and kind != "restored":
                    before, after = postings[last.tx_id], postings[now.tx_id]
                    diffs = changes.diff(last, now, before, after, list(members))
                versions.append(
                    BillVersion(row.id, kind, now, row.actor, utc(row.created_at), diffs)
                )
                last = now or last
            return tuple(versions)

        return self._read(work)

    @staticmethod
    def _refuse_stale(chain: list[tuple[TransactionRow, str]], tx_id: int, verb: str) -> None:
        """Refuse to `verb` expense `tx_id` unless it is the bill's current version."""
        last, kind = chain[-1]
        if last.id == tx_id and kind != "deleted":
            return
        if kind == "deleted":
            if last.reverses_id == tx_id:
                raise Conflict(
                    f"expense #{tx_id} was deleted (#{last.id}); undo the deletion to {verb} it"
                )
            raise Conflict(
                f"expense #{tx_id} is an earlier version of a bill whose last version "
                f"#{last.reverses_id} was deleted (#{last.id})"
            )
        raise Conflict(
            f"expense #{tx_id} is not the current version of its bill: #{last.id} is; "
            f"{verb} that one"
        )

    # -- editing -------------------------------------------------------------------

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
    ) -> EditOutcome:
        """Change the fields given of expense `tx_id`, keeping the rest of its
        definition, and record the result as a new version (the current one reversed,
        the new one replacing it, atomically). Shares are recomputed from the definition:
        an equal split stays equal. Nothing given or nothing different records nothing
        (`tx` None). Only the bill's current version can be edited."""
        check_id(tx_id)
        req = validate(
            EditExpense,
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
        )
        key_ = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint("tx.edit")

        def work(session: Session) -> EditOutcome:
            original = _expense(session, tx_id, any_kind=True)
            group = self._locked_group_of(session, original)
            seen = self._replay(session, key_, fingerprint, "tx.edit")
            if seen is not None:
                return self._outcome(session, group, seen)
            if original.kind != _EXPENSE:
                raise Conflict(f"transaction #{tx_id} is a {original.kind}; only expenses edit")
            self._refuse_stale(self._chain(session, original), tx_id, "edit")
            old = self._definition(session, group, original)
            try:
                tx, bill = self._build_expense(
                    changes.merged(old, req), self._group_view(session, group), key_
                )
            except InvalidInput as exc:
                if exc.field != "exact" or req.participants is not None:
                    raise
                raise InvalidInput(
                    f"expense #{tx_id} is split as exact amounts adding up to {old.amount} "
                    f"{old.currency}: give the new shares too, or another split",
                    field="participants",
                ) from None
            new = changes.built(old.tx_id, old.group, tx, bill)
            if changes.same(old, changes.kept(old, new, req)):
                return EditOutcome(None, ())
            before = repository.postings_of(session, [original.id])[original.id]
            if changes.same_money(old, new):  # its odd cents stay where they were
                tx = _expense_of(before, tx.date, tx.description, tx.category, key_)
            view = self._replace(session, group, original, tx, bill, key_, "tx.edit")
            repository.save_request(session, key_, fingerprint, "tx.edit", view.id)
            order = list(self._member_rows(session, group))
            return EditOutcome(view, changes.diff(old, new, before, tx.postings, order))

        return self._write("edit expense", work)

    def _replace(
        self,
        session: Session,
        group: GroupHead,
        current: TransactionRow,
        tx: domain.Transaction,
        bill: Bill | None,
        key: str,
        action: str,
    ) -> TxView:
        """Reverse `current` and record `tx` (with its definition, unless derived) as
        the version replacing it, both audited as `action`."""
        self._require_active(session, group, named_in(tx, bill))
        self._reverse_locked(session, group, current, f"{key}:reversal", None, action=action)
        view = self._append(session, group, tx, action=action, replaces_id=current.id)
        if bill is not None:
            self._save_bill(session, group, view.id, bill)
        return view

    def _outcome(self, session: Session, group: GroupHead, tx_id: int) -> EditOutcome:
        """The outcome of an edit already recorded as `tx_id` (a repeated key)."""
        view = self._tx_view(session, tx_id)
        rows = definitions.transactions(session, [tx_id, view.replaces_id or tx_id])
        defs = self._definitions(session, group, rows.values())
        if view.replaces_id not in defs:
            return EditOutcome(view, ())
        old, new = defs[view.replaces_id], defs[tx_id]
        postings = repository.postings_of(session, [old.tx_id, new.tx_id])
        return EditOutcome(view, changes.diff(old, new, postings[old.tx_id], postings[new.tx_id]))

    # -- undo ----------------------------------------------------------------------

    def undo(self, tx_id: int, *, key: str | None = None) -> TxView:
        """Undo the last change to a bill, once. `tx_id` a deleted expense (or its
        reversal): the expense comes back as a new version. `tx_id` the current version
        made by an edit: back to the previous version, recorded as an edit. Either way
        the version brought back is recorded again exactly (its postings, odd cents
        included, and its definition) under a new key."""
        check_id(tx_id)
        req = validate(Undo, tx_id=tx_id, key=key)
        key_ = req.key or f"auto:{uuid.uuid4()}"
        fingerprint = req.fingerprint("tx.undo")

        def work(session: Session) -> TxView:
            target = _expense(session, tx_id, any_kind=True)
            group = self._locked_group_of(session, target)
            seen = self._replay(session, key_, fingerprint, "tx.undo")
            if seen is not None:
                return self._tx_view(session, seen)
            view = self._undo_locked(session, group, target, key_)
            repository.save_request(session, key_, fingerprint, "tx.undo", view.id)
            return view

        return self._write("undo", work)

    def _undo_locked(
        self, session: Session, group: GroupHead, target: TransactionRow, key: str
    ) -> TxView:
        expense = target
        if target.kind == _REVERSAL and target.reverses_id is not None:
            expense = _expense(session, target.reverses_id, any_kind=True)
        if expense.kind != _EXPENSE:
            raise Conflict(
                f"transaction #{target.id} is a {target.kind}; only an edit or a deletion "
                "of an expense can be undone"
            )
        chain = self._chain(session, expense)
        at = next(i for i, (row, _) in enumerate(chain) if row.id == expense.id)
        current, current_kind = chain[-1]
        now = f"#{current.id}" + (" (deleted)" if current_kind == "deleted" else "")
        if at + 1 < len(chain):
            later, how = chain[at + 1]
            if how == "deleted" and at + 2 == len(chain):
                return self._restore_deleted(session, group, expense, key)
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
        tx, bill = self._again(session, group, chain[at - 1][0], key)
        return self._replace(session, group, expense, tx, bill, key, "tx.undo")

    def _restore_deleted(
        self, session: Session, group: GroupHead, expense: TransactionRow, key: str
    ) -> TxView:
        tx, bill = self._again(session, group, expense, key)
        self._require_active(session, group, named_in(tx, bill))
        view = self._append(session, group, tx, action="tx.restore", replaces_id=expense.id)
        if bill is not None:
            self._save_bill(session, group, view.id, bill)
        return view

    def _again(
        self, session: Session, group: GroupHead, version: TransactionRow, key: str
    ) -> tuple[domain.Transaction, Bill | None]:
        """`version` recorded again under a new key: its very postings and its
        definition, to store unless derived (the copy derives the same from them)."""
        defn = self._definition(session, group, version)
        postings = repository.postings_of(session, [version.id])[version.id]
        tx = _expense_of(postings, version.date, version.description, version.category, key)
        if defn.derived:
            return tx, None
        return tx, Bill(defn.amount, defn.currency, defn.paid_by, defn.split, defn.participants)


# -- definitions, pure -------------------------------------------------------------


def _expense(
    session: Session, tx_id: int, *, reversal_ok: bool = False, any_kind: bool = False
) -> TransactionRow:
    """The transaction `tx_id`: an expense (or, with `reversal_ok`, the expense a
    reversal reverses; with `any_kind`, whatever it is)."""
    row = repository.get_transaction(session, tx_id)
    if row is None:
        raise NotFound(f"no such transaction #{tx_id}", field="tx")
    if reversal_ok and row.kind == _REVERSAL and row.reverses_id is not None:
        return _expense(session, row.reverses_id, any_kind=any_kind)
    if not any_kind and row.kind != _EXPENSE:
        raise InvalidInput(f"transaction #{tx_id} is a {row.kind}, not an expense", field="tx")
    return row


def _expense_of(
    postings: Sequence[domain.Posting], date: dt.date, description: str, category: str, key: str
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
    )


def _head(session: Session, row: TransactionRow) -> GroupHead:
    group = repository.group_head(session, group_id=row.group_id)
    assert group is not None  # noqa: S101 (a foreign key guarantees it)
    return group


def utc(at: dt.datetime) -> dt.datetime:
    """Times as UTC whatever the backend returns (SQLite: naive UTC)."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
