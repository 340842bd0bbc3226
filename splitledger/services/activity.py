"""A group's activity: every change, newest first, from the audit log, with edits said
field by field from the stored definitions (ADR 0011)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from splitledger import domain
from splitledger.services import bill_changes as changes
from splitledger.services import views
from splitledger.services.bills import BillCases, utc
from splitledger.services.errors import InvalidInput
from splitledger.store import definitions, repository
from splitledger.store.records import AuditRecord
from splitledger.store.repository import GroupHead
from splitledger.store.unit import Unit

#: What each audit action is called in the activity (transactions are told apart below).
_KINDS = {
    "tx.expense": "recorded",
    "tx.payment": "payment",
    "tx.convert": "converted",
    "tx.restore": "restored",
    "tx.edit": "edited",
    "tx.undo": "undone",
    "tx.reverse": "deleted",
    "import": "imported",
    "group.create": "group_created",
    "group.rename": "group_renamed",
    "member.add": "member_added",
    "member.rename": "member_renamed",
    "member.remove": "member_removed",
    "member.restore": "member_restored",
    "rate.add": "rate_added",
    "period.close": "period_closed",
    "group.archive": "group_archived",
    "group.unarchive": "group_unarchived",
    "recurring.add": "recurring_added",
    "recurring.edit": "recurring_edited",
    "recurring.pause": "recurring_paused",
    "recurring.resume": "recurring_resumed",
    "recurring.end": "recurring_ended",
}
_NEW_VERSION = ("tx.edit", "tx.undo")


class ActivityCases(BillCases):
    """What happened in a group, who did it and when."""

    def activity(
        self, group: str, *, before: int | None = None, limit: int = 50
    ) -> views.ActivityPage:
        """A page of `group`'s changes, newest first: recorded, edited (with what
        changed), deleted, restored and undone expenses, payments, conversions,
        imports, members and rates, each with its actor and time. Pass `before` (a
        page's `before`) for the next, older page."""
        if not 1 <= limit <= 10_000:
            raise InvalidInput("limit must be between 1 and 10000", field="limit")
        if before is not None and not 0 < before <= domain.MAX_ID:
            raise InvalidInput(f"before: {before} is not an activity id", field="before")

        def work(unit: Unit) -> views.ActivityPage:
            head = self._group(unit, group)
            items: list[views.ActivityItem] = []
            cursor, chunk = before, min(2 * limit + 2, 2_000)
            while len(items) <= limit:
                rows = definitions.audit_page(unit, head.id, before=cursor, limit=chunk)
                items += self._items(unit, head, rows)
                if len(rows) < chunk:
                    break
                cursor = rows[-1].id
            page = tuple(items[:limit])
            more = len(items) > limit
            return views.ActivityPage(page, more, page[-1].id if more else None)

        return self._read(work)

    def _items(
        self, unit: Unit, group: GroupHead, rows: Sequence[AuditRecord]
    ) -> list[views.ActivityItem]:
        """The items of these audit rows; an edit's reversal is part of the edit, and
        says nothing of its own."""
        payloads = {r.id: _payload(r.payload) for r in rows}
        reversed_ids = [
            int(payloads[r.id]["reverses"])
            for r in rows
            if r.action == "tx.reverse" and payloads[r.id].get("reverses")
        ]
        versions = [
            (int(payloads[r.id]["replaces"]), r.entity_id)
            for r in rows
            if r.action in _NEW_VERSION and payloads[r.id].get("replaces") and r.entity_id
        ]
        wanted = reversed_ids + [i for pair in versions for i in pair]
        txs = definitions.transactions(unit, wanted)
        later = definitions.replacements(unit, reversed_ids)
        how = definitions.actions(unit, [t.id for t in later.values()])
        defs = self._definitions(
            unit, group, (txs[i] for pair in versions for i in pair if i in txs)
        )
        postings = repository.postings_of(unit, list(defs)) if defs else {}
        order = list(self._member_rows(unit, group))
        items: list[views.ActivityItem] = []
        for row in rows:
            data = payloads[row.id]
            kind = _KINDS.get(row.action, row.action)
            text = str(data.get("description") or "")
            diffs: tuple[views.FieldChange, ...] = ()
            tx = row.entity_id if row.action.startswith("tx.") else None
            if row.action.startswith("tx.") and data.get("kind") == "reversal":
                original = txs.get(int(data.get("reverses") or 0))
                edited = (
                    original is not None
                    and original.id in later
                    and how.get(later[original.id].id) not in (None, "tx.restore")
                )
                if row.action in _NEW_VERSION or edited:
                    continue  # the reversal half of an edit
                if original is not None:
                    text = original.description
                    if original.kind != "expense":
                        kind = "reversed"
            elif row.action in _NEW_VERSION:
                old, new = int(data.get("replaces") or 0), row.entity_id or 0
                if old in defs and new in defs:
                    diffs = changes.diff(defs[old], defs[new], postings[old], postings[new], order)
            elif not row.action.startswith("tx."):
                text, diffs = _about(row.action, data)
            items.append(views.ActivityItem(row.id, utc(row.at), row.actor, kind, tx, text, diffs))
        return items


def _payload(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _about(action: str, data: dict[str, Any]) -> tuple[str, tuple[views.FieldChange, ...]]:
    """What a change to a group, a member, a rate or an import was about."""
    if action in ("group.rename", "member.rename"):
        old, new = str(data.get("from", "")), str(data.get("to", ""))
        return new, (views.FieldChange("name", old, new),)
    if action == "group.create":
        return f"{data.get('name', '')} ({data.get('currency', '')})", ()
    if action == "rate.add":
        return (
            f"1 {data.get('base')} = {data.get('rate')} {data.get('quote')} from {data.get('date')}"
        ), ()
    if action == "period.close":
        return f"through {data.get('through', '')}", ()
    if action in ("recurring.add", "recurring.edit"):
        return (
            f"{data.get('description', '')}: {data.get('amount', '')} {data.get('currency', '')} "
            f"{data.get('rule', '')} from {data.get('from', '')}"
        ), ()
    if action in ("recurring.pause", "recurring.resume", "recurring.end"):
        day = data.get("on", data.get("from", ""))
        return f"{data.get('description', '')} from {day}", ()
    if action == "import":
        return (
            f"{data.get('source')}: {data.get('recorded')} recorded, "
            f"{data.get('skipped')} already on the ledger"
        ), ()
    return str(data.get("name", "")), ()
