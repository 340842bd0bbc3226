"""Use cases for groups and members, and archiving a group (read-only, left out of the
default lists; ADR 0018)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from splitledger import domain
from splitledger.services import inputs, views
from splitledger.services.core import LedgerCore
from splitledger.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from splitledger.services.idempotency import Idempotent
from splitledger.services.inputs import validate
from splitledger.store import repository
from splitledger.store.repository import MemberRef
from splitledger.store.repository import groups as group_rows
from splitledger.store.unit import Unit


class GroupCases(LedgerCore):
    """Create, rename, list and archive groups; add, rename and remove members."""

    def create_group(
        self, name: str, currency: str, members: Sequence[str] = (), *, key: str | None = None
    ) -> views.GroupView:
        req = validate(
            inputs.CreateGroup, name=name, currency=currency, members=tuple(members), key=key
        )
        once = Idempotent.of("group.create", req, req.key)

        def work(unit: Unit) -> views.GroupView:
            def replay(group_id: int) -> views.GroupView:
                found = repository.group_head(unit, group_id=group_id)
                assert found is not None  # noqa: S101 (requests point at real groups)
                return self._group_view(unit, found)

            def write() -> tuple[views.GroupView, int]:
                _refuse_taken_group(self._group_named_like(unit, req.name), req.name)
                group = repository.add_group(unit, req.name, req.currency)
                self._use_currencies(unit, (req.currency,))
                for member in req.members:
                    repository.add_member(unit, group.id, member)
                self._members_changed(unit)
                self._changed(
                    unit,
                    once.operation,
                    group_id=group.id,
                    entity_id=group.id,
                    payload={"name": req.name, "currency": req.currency, "members": req.members},
                )
                return self._group_view(unit, group), group.id

            return once.run(unit, replay=replay, write=write)

        return self._write("create group", work)

    def add_members(
        self, group: str, names: Sequence[str], *, key: str | None = None
    ) -> views.GroupView:
        req = validate(inputs.AddMembers, group=group, names=tuple(names), key=key)
        once = Idempotent.of("member.add", req, req.key)

        def work(unit: Unit) -> views.GroupView:
            row = self._group(unit, req.group, lock=True)

            def write() -> tuple[views.GroupView, int]:
                existing = self._member_rows(unit, row)
                for name in req.names:
                    _refuse_taken_member(existing, name, row.name, restoring=True)
                for name in req.names:
                    if name in existing:
                        self._restore(unit, row, existing[name], "added again")
                        continue
                    member_id = repository.add_member(unit, row.id, name)
                    self._changed(
                        unit,
                        once.operation,
                        group_id=row.id,
                        entity_id=member_id,
                        payload={"name": name},
                    )
                self._members_changed(unit)
                return self._group_view(unit, row), row.id

            # A repeat answers with the group as it is now.
            return once.run(unit, replay=lambda _: self._group_view(unit, row), write=write)

        return self._write("add members", work)

    def list_groups(self, *, include_archived: bool = False) -> list[views.GroupView]:
        """The groups by name; archived ones only with `include_archived`."""

        def work(unit: Unit) -> list[views.GroupView]:
            rows = repository.list_groups(unit)
            shown = rows if include_archived else [r for r in rows if r.archived_at is None]
            return [self._group_view(unit, g) for g in shown]

        return self._read(work)

    def groups(self, *, include_archived: bool = False) -> list[views.GroupView]:
        """As `list_groups` (the app's group list: archived groups left out)."""
        return self.list_groups(include_archived=include_archived)

    def archive_group(self, name: str, *, key: str | None = None) -> views.GroupView:
        """Archive group `name`: read-only (every write refused with `ReadOnly`; reads,
        exports and verify go on) and left out of `list_groups`. Audited; archiving an
        archived group is refused."""
        return self._set_archived(name, True, key)

    def unarchive_group(self, name: str, *, key: str | None = None) -> views.GroupView:
        """Make archived group `name` writable and listed again. Audited."""
        return self._set_archived(name, False, key)

    def _set_archived(self, name: str, archived: bool, key: str | None) -> views.GroupView:
        req = validate(inputs.ArchiveGroup, name=name, archived=archived, key=key)
        operation = "group.archive" if archived else "group.unarchive"
        once = Idempotent.of(operation, req, req.key)

        def work(unit: Unit) -> views.GroupView:
            def write() -> tuple[views.GroupView, int]:
                row = self._group(unit, req.name, lock=True, archived_ok=True)
                if row.archived == archived:
                    state = "archived" if archived else "not archived"
                    raise InvalidInput(f"{row.name!r} is already {state}", field="name")
                group_rows.set_group_archived(unit, row.id, archived)
                row.archived = archived
                self._changed(
                    unit, operation, group_id=row.id, entity_id=row.id, payload={"name": row.name}
                )
                return self._group_view(unit, row), row.id

            return once.run(unit, replay=partial(self._group_now, unit), write=write)

        return self._write("archive group" if archived else "unarchive group", work)

    def _group_now(self, unit: Unit, group_id: int) -> views.GroupView:
        """A repeat of a change to a group answers with the group as it is now."""
        row = repository.group_head(unit, group_id=group_id)
        if row is None:  # (groups are never deleted)
            raise NotFound(f"no group #{group_id}", field="group")
        return self._group_view(unit, row)

    def rename_group(self, old: str, new: str, *, key: str | None = None) -> views.GroupView:
        req = validate(inputs.RenameGroup, old=old, new=new, key=key)
        new_name = req.new
        once = Idempotent.of("group.rename", req, req.key)

        def work(unit: Unit) -> views.GroupView:
            def write() -> tuple[views.GroupView, int]:
                row = self._group(unit, old, lock=True)
                _refuse_taken_group(self._group_named_like(unit, new_name, but=row.id), new_name)
                repository.rename_group(unit, row.id, new_name)
                row.name = new_name
                self._changed(
                    unit,
                    "group.rename",
                    group_id=row.id,
                    entity_id=row.id,
                    payload={"from": old, "to": new_name},
                )
                return self._group_view(unit, row), row.id

            return once.run(unit, replay=partial(self._group_now, unit), write=write)

        return self._write("rename group", work)

    def rename_member(
        self, group: str, old: str, new: str, *, key: str | None = None
    ) -> views.GroupView:
        req = validate(inputs.RenameMember, group=group, old=old, new=new, key=key)
        new_name = req.new
        once = Idempotent.of("member.rename", req, req.key)

        def work(unit: Unit) -> views.GroupView:
            return once.run(
                unit, replay=partial(self._group_now, unit), write=lambda: renamed(unit)
            )

        def renamed(unit: Unit) -> tuple[views.GroupView, int]:
            row = self._group(unit, group, lock=True)
            found = dict(self._member_rows(unit, row))
            if old not in found:
                raise NotFound(f"{old!r} is not a member of {group!r}", field="member")
            _refuse_taken_member(
                {n: m for n, m in found.items() if n != old}, new_name, row.name, restoring=False
            )
            repository.rename_member(unit, found[old].id, new_name)
            self._members_changed(unit)
            self._changed(
                unit,
                "member.rename",
                group_id=row.id,
                entity_id=found[old].id,
                payload={"from": old, "to": new_name},
            )
            return self._group_view(unit, row), row.id

        return self._write("rename member", work)

    def remove_member(self, group: str, name: str, *, key: str | None = None) -> views.GroupView:
        """Remove a member whose balances are all zero. Their history stays (the row is
        archived, not deleted); adding the name again restores them."""
        req = validate(inputs.RemoveMember, group=group, name=name, key=key)
        once = Idempotent.of("member.remove", req, req.key)

        def work(unit: Unit) -> views.GroupView:
            return once.run(
                unit, replay=partial(self._group_now, unit), write=lambda: removed(unit)
            )

        def removed(unit: Unit) -> tuple[views.GroupView, int]:
            row = self._group(unit, group, lock=True)
            member = self._member_rows(unit, row).get(name)
            if member is None or member.archived:
                raise NotFound(f"{name!r} is not a member of {group!r}", field="member")
            owing = [
                f"{domain.format_amount(a, c)} {c}"
                for m, c, a in repository.balances(unit, row.id)
                if m == name and a != 0
            ]
            if owing:
                raise Conflict(
                    f"{name} still has a balance of {', '.join(owing)}; settle up before "
                    "removing them"
                )
            repository.set_archived(unit, member.id, True)
            self._members_changed(unit)
            self._changed(
                unit,
                "member.remove",
                group_id=row.id,
                entity_id=member.id,
                payload={"name": name},
            )
            return self._group_view(unit, row), row.id

        return self._write("remove member", work)

    def change_token(self, group: str | None = None) -> tuple[object, ...]:
        """A cheap value that changes whenever anything visible in `group` (or, with None,
        in the list of groups) changes: poll it to refresh a screen (O(1) queries)."""
        return self._read(lambda s: repository.change_token(s, group))


def _refuse_taken_group(existing: str | None, name: str) -> None:
    if existing is None:
        return
    if existing == name:
        raise InvalidInput(f"a group named {name!r} already exists", field="name")
    raise InvalidInput(
        f"{name!r} reads the same as the existing group {existing!r}; "
        "choose a name that looks different",
        field="name",
    )


def _refuse_taken_member(
    existing: dict[str, MemberRef], name: str, group: str, *, restoring: bool
) -> None:
    """Refuse `name` if a member of `group` already has it or a name that reads the same.
    With `restoring`, the exact name of a removed member is fine: adding it restores them."""
    key = domain.name_key(name)
    for other, member in existing.items():
        if other == name:
            if restoring and member.archived:
                continue
            raise InvalidInput(f"{name!r} is already in {group!r}", field="name")
        if domain.name_key(other) == key:
            removed = " (a removed member)" if member.archived else ""
            raise InvalidInput(
                f"{name!r} reads the same as {other!r}{removed}, already in {group!r}; "
                "choose a name that looks different",
                field="name",
            )
