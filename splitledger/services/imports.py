"""Atomic, idempotent, reconciled imports of many transactions, and batched reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence

from splitledger import domain
from splitledger.domain import DomainError
from splitledger.services import inputs, views
from splitledger.services.core import LedgerCore, refuse_archived
from splitledger.services.errors import (
    IdempotencyConflict,
    InvalidInput,
)
from splitledger.services.inputs import ImportEntry, validate
from splitledger.store import repository
from splitledger.store.records import TxRecord
from splitledger.store.repository import GroupHead, MemberRef
from splitledger.store.unit import Unit

_IMPORT_CHUNK = 1000  # transactions per batched append during imports
#: Largest value a balance or spending total can reach (the database's signed 64 bits).
_MAX_SUM = 2**63 - 1


def _amount(minor: int, currency: str) -> str:
    return f"{domain.format_amount(minor, currency, grouping=False)} {currency}"


def _refuse_lookalikes(
    existing: Mapping[str, MemberRef], names: Sequence[str], group: str, source: str
) -> None:
    """A new name that reads the same as a member of `group` (`ann` beside `Ann`) would
    make two members nobody can tell apart: refused (ADR 0010)."""
    keys = {domain.name_key(n): n for n in existing}
    for name in names:
        other = None if name in existing else keys.get(domain.name_key(name))
        if other is not None:
            removed = " (a removed member)" if existing[other].archived else ""
            raise InvalidInput(
                f"{source}: the member {name!r} reads the same as {other!r}{removed}, "
                f"already in {group!r}; if they are the same person, name the file's "
                f"column {other!r}",
                field="file",
            )


def _check_entries(entries: Sequence[ImportEntry], source: str) -> None:
    """The input policy over what a reader produced (a backstop: the readers refuse with
    the row and column first): text as `clean_text` leaves it, dates within bounds."""
    for index, entry in enumerate(entries, start=1):
        tx = entry.tx
        try:
            domain.check_date(tx.date)
            for field, text in (("description", tx.description), ("category", tx.category)):
                if not (text.isascii() and text.isprintable()):  # else nothing to refuse
                    domain.clean_text(text, field=field, max_length=500, required=False)
        except DomainError as exc:
            raise InvalidInput(f"{source}: transaction {index}: {exc}", field="file") from None


def _refuse_overflow(
    entries: Sequence[ImportEntry],
    balances: Mapping[tuple[str, str], int],
    spent: Mapping[str, int],
    source: str,
) -> None:
    """What the entries move, per currency, must fit beside what the group holds: no
    balance or spending total may pass the database's 64-bit integers (SQLite would turn
    it into an inexact float)."""
    moved: dict[str, int] = {}
    for entry in entries:
        for p in entry.tx.postings:
            if p.minor > 0:
                moved[p.currency] = moved.get(p.currency, 0) + p.minor
    for currency, total in sorted(moved.items()):
        held = [abs(v) for (_, c), v in balances.items() if c == currency]
        if max(held, default=0) + total > _MAX_SUM or spent.get(currency, 0) + total > _MAX_SUM:
            raise InvalidInput(
                f"{source}: the file moves {_amount(total, currency)} in all; with what the "
                "group already holds, that is more than a ledger can hold",
                field="file",
            )


class ImportCases(LedgerCore):
    """Append many transactions at once; iterate a group's transactions in batches."""

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
        rates: Sequence[domain.Rate] = (),
    ) -> views.ImportReport:
        """Append many transactions atomically: all or none.

        Creates the group and any missing members. A transaction whose idempotency key is
        already on the ledger with identical content is skipped (so re-importing a file
        adds nothing); with different content it is an `IdempotencyConflict`. With
        `expected` ({(member, currency): change}), the balance changes the import makes
        must match it to the minor unit, else nothing is committed. `dry_run` does all the
        work and checks, then rolls back.
        """
        # Exchange accounts (from conversions) are not members: created as such, below.
        accounts = tuple(m for m in members if domain.is_exchange_account(m))
        people = tuple(m for m in members if not domain.is_exchange_account(m))
        req = validate(inputs.CreateGroup, name=group, currency=currency, members=people)
        _check_entries(entries, source)

        def work(unit: Unit) -> views.ImportReport:
            row = repository.group_head(unit, name=req.name, lock=True)
            if row is None:  # `flat` imports into `Flat`: names that read the same are one
                same = self._group_named_like(unit, req.name)
                if same is not None:
                    row = repository.group_head(unit, name=same, lock=True)
            created = row is None
            if row is not None:
                refuse_archived(row)  # before its members change
            if row is None:
                row = repository.add_group(unit, req.name, req.currency)
                self._use_currencies(unit, (req.currency,))
            existing = self._member_rows(unit, row)
            _refuse_lookalikes(existing, req.members, row.name, source)
            added = [m for m in req.members if m not in existing]
            for name in req.members:
                if name in existing and existing[name].archived:
                    self._restore(unit, row, existing[name], f"listed by {source}")
            for name in added:
                repository.add_member(unit, row.id, name)
            self._members_changed(unit)
            for account in accounts:
                self._ensure_exchange(unit, row, account)
            for index, rate in enumerate(rates, start=1):
                self._add_rate_locked(unit, row, rate, f"{source} rate {index}: ")
            before = {(m, c): a for m, c, a in repository.balances(unit, row.id)}
            _refuse_overflow(entries, before, repository.total_spent(unit, row.id), source)
            recorded, skipped = self._import_entries(unit, row, entries, source, progress)
            after = {(m, c): a for m, c, a in repository.balances(unit, row.id)}
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
                        mismatches.append(
                            f"{member}: the file says {_amount(want, cur)}, the ledger "
                            f"{_amount(got, cur)}"
                        )
            report = views.ImportReport(
                group=row.name,
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
            self._changed(
                unit,
                "import",
                group_id=row.id,
                entity_id=None,
                payload={
                    "source": source,
                    "recorded": recorded,
                    "skipped": skipped,
                    "dry_run": dry_run,
                },
            )
            return report

        return self._write("import", work, dry_run=dry_run)

    def _import_entries(
        self,
        unit: Unit,
        group: GroupHead,
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
                written = self._append_many(
                    unit, group, pending, action="tx.import", log_each=False
                )
                ids.update((w.idempotency_key, w.id) for w in written)
                recorded += len(pending)
                pending.clear()

        def local_id(key: str, index: int, on_ledger: dict[str, TxRecord]) -> int:
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
            on_ledger = repository.find_by_keys(unit, (k for k in keys if k not in ids))
            stored = repository.postings_of(
                unit, [r.id for k, r in on_ledger.items() if k not in ids]
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
                    if prior.group_id != group.id:
                        other = repository.group_names(unit, [prior.group_id])[prior.group_id]
                        raise IdempotencyConflict(
                            f"{source}: transaction {index} has key {key!r}, which is "
                            f"already used in group {other!r} (was this file imported there?)"
                        )
                    if same != tx and not _posted_net_before(same, tx):
                        raise IdempotencyConflict(
                            f"{source}: transaction {index} has key {key!r}, which the "
                            "ledger holds with different content (was this file edited "
                            "since it was imported?)"
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

    def iter_transactions(self, group: str, *, batch: int = 1000) -> Iterator[views.TxView]:
        """Every transaction of `group`, oldest first (by sequence), read in batches so
        that exports of large groups run in bounded memory."""
        after = 0
        while True:

            def work(unit: Unit, after: int = after) -> list[views.TxView]:
                row = self._group(unit, group)
                return self._tx_views(unit, repository.after_seq(unit, row.id, after, batch))

            page = self._read(work)
            if not page:
                return
            yield from page
            after = page[-1].seq


#: Importers that posted each bill as the members' net effects before they posted it
#: gross, as a typed bill (2026-12-01), under the same keys.
_ONCE_NET = ("cospend:", "tricount:", "settleup:")


def _posted_net_before(stored: domain.Transaction, tx: domain.Transaction) -> bool:
    """Whether `stored` is `tx` as these importers used to post it: the same bill with
    the same net effect per member and currency, so that a file imported then is still
    the same file now (skipped, not a conflict)."""
    if not stored.idempotency_key.startswith(_ONCE_NET):
        return False
    if dataclasses.replace(stored, postings=tx.postings) != tx:
        return False
    return _nets(stored.postings) == _nets(tx.postings)


def _nets(postings: Sequence[domain.Posting]) -> dict[tuple[str, str], int]:
    sums: dict[tuple[str, str], int] = {}
    for p in postings:
        sums[p.account, p.currency] = sums.get((p.account, p.currency), 0) + p.minor
    return {k: v for k, v in sums.items() if v}
