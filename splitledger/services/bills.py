"""A bill and its versions: the definition each expense keeps (how it was split) and a
bill's history (ADR 0011). Changing a bill (edit, undo) is in bill_edits.py.

A bill is a chain of expenses linked by `replaces_id`: an edit reverses the current
version and records the new one; a deletion is a reversal; undoing a deletion records the
deleted version again. The audit action of each new version says which
change made it (`tx.edit`, `tx.undo`, `tx.restore`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from splitledger import domain
from splitledger.services import bill_changes as changes
from splitledger.services import views
from splitledger.services.core import LedgerCore
from splitledger.services.entries import check_id
from splitledger.services.errors import Conflict, InvalidInput, NotFound
from splitledger.store import definitions, repository
from splitledger.store.records import TxRecord
from splitledger.store.repository import GroupHead
from splitledger.store.unit import Unit

EXPENSE = domain.TxKind.EXPENSE.value
REVERSAL = domain.TxKind.REVERSAL.value
#: Audit actions of a new version by the change that made it.
_VERSION_KIND = {"tx.undo": "undone", "tx.restore": "restored"}


class BillCases(LedgerCore):
    """Read an expense's definition and its bill's versions."""

    def expense_definition(self, tx_id: int) -> views.ExpenseDefinition:
        """How expense `tx_id` was split; for an expense without a stored definition
        (recorded before they were kept, or imported), exact shares read off its
        postings (`derived`)."""
        check_id(tx_id)

        def work(unit: Unit) -> views.ExpenseDefinition:
            row = expense_row(unit, tx_id)
            return self._definitions(unit, _head(unit, row), [row])[row.id]

        return self._read(work)

    def _definitions(
        self, unit: Unit, group: GroupHead, rows: Iterable[TxRecord]
    ) -> dict[int, views.ExpenseDefinition]:
        """The definitions of the expenses among `rows` (all of `group`)."""
        wanted = {r.id: r for r in rows if r.kind == EXPENSE}
        stored = definitions.load(unit, list(wanted))
        derive = [i for i in wanted if i not in stored]
        postings = repository.postings_of(unit, derive) if derive else {}
        names = {m.id: name for name, m in self._member_rows(unit, group).items()}
        found: dict[int, views.ExpenseDefinition] = {}
        for tx_id, row in wanted.items():
            got = stored.get(tx_id)
            if got is None:
                found[tx_id] = changes.derived(row, group.name, postings.get(tx_id, []))
                continue
            found[tx_id] = views.ExpenseDefinition(
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
                receipt=None
                if got.receipt is None
                else views.Receipt(
                    tuple((d, a, tuple(names[m] for m in ms)) for d, a, ms in got.receipt.items),
                    got.receipt.tax,
                    got.receipt.tip,
                ),
                note=row.note,
            )
        return found

    def _definition(self, unit: Unit, group: GroupHead, row: TxRecord) -> views.ExpenseDefinition:
        return self._definitions(unit, group, [row])[row.id]

    # -- versions ------------------------------------------------------------------

    def _chain(self, unit: Unit, row: TxRecord) -> list[tuple[TxRecord, str]]:
        """The versions of the bill `row` (an expense) belongs to, oldest first, each
        with how it came to be (see `BillVersion.kind`)."""
        seen = {row.id}
        while row.replaces_id is not None:
            earlier = repository.get_transaction(unit, row.replaces_id)
            if earlier is None or earlier.id in seen:
                break
            seen.add(earlier.id)
            row = earlier
        seen = {row.id}  # forward, each version once (an import could link a loop)
        first = definitions.actions(unit, [row.id]).get(row.id)
        chain = [(row, "imported" if first == "tx.import" else "recorded")]
        while True:
            reversal = repository.find_reversal(unit, row.id)
            after = definitions.replacements(unit, [row.id]).get(row.id)
            action = definitions.actions(unit, [after.id]).get(after.id) if after else None
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

    def bill_versions(self, tx_id: int) -> tuple[views.BillVersion, ...]:
        """Every version of the bill transaction `tx_id` belongs to (an expense or its
        reversal), oldest first, each with the changes from the version before."""
        check_id(tx_id)

        def work(unit: Unit) -> tuple[views.BillVersion, ...]:
            chain = self._chain(unit, expense_row(unit, tx_id, reversal_ok=True))
            group = _head(unit, chain[0][0])
            rows = [r for r, _ in chain]
            defs = self._definitions(unit, group, rows)
            postings = repository.postings_of(unit, list(defs))
            members = self._member_rows(unit, group)
            versions: list[views.BillVersion] = []
            last: views.ExpenseDefinition | None = None
            for row, kind in chain:
                now = defs.get(row.id)
                diffs: tuple[views.FieldChange, ...] = ()
                if now is not None and last is not None and kind != "restored":
                    before, after = postings[last.tx_id], postings[now.tx_id]
                    diffs = changes.diff(last, now, before, after, list(members))
                versions.append(
                    views.BillVersion(row.id, kind, now, row.actor, utc(row.created_at), diffs)
                )
                last = now or last
            return tuple(versions)

        return self._read(work)

    @staticmethod
    def _refuse_stale(chain: list[tuple[TxRecord, str]], tx_id: int, verb: str) -> None:
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


# -- definitions, pure -------------------------------------------------------------


def expense_row(
    unit: Unit, tx_id: int, *, reversal_ok: bool = False, any_kind: bool = False
) -> TxRecord:
    """The transaction `tx_id`: an expense (or, with `reversal_ok`, the expense a
    reversal reverses; with `any_kind`, whatever it is)."""
    row = repository.get_transaction(unit, tx_id)
    if row is None:
        raise NotFound(f"no such transaction #{tx_id}", field="tx")
    if reversal_ok and row.kind == REVERSAL and row.reverses_id is not None:
        return expense_row(unit, row.reverses_id, any_kind=any_kind)
    if not any_kind and row.kind != EXPENSE:
        raise InvalidInput(f"transaction #{tx_id} is a {row.kind}, not an expense", field="tx")
    return row


def _head(unit: Unit, row: TxRecord) -> GroupHead:
    group = repository.group_head(unit, group_id=row.group_id)
    assert group is not None  # noqa: S101 (a foreign key guarantees it)
    return group


def utc(at: dt.datetime) -> dt.datetime:
    """Times as UTC whatever the backend returns (SQLite: naive UTC)."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
