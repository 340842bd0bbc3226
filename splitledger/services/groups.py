"""Use cases for groups and members."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.services.core import LedgerCore, validate
from splitledger.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from splitledger.services.inputs import (
    AddMembers,
    CreateGroup,
    RenameGroup,
    RenameMember,
)
from splitledger.services.views import (
    GroupView,
)
from splitledger.store import repository


class GroupCases(LedgerCore):
    """Create, rename and list groups; add, rename and remove members."""

    def create_group(
        self, name: str, currency: str, members: Sequence[str] = (), *, key: str | None = None
    ) -> GroupView:
        req = validate(CreateGroup, name=name, currency=currency, members=tuple(members), key=key)
        fingerprint = req.fingerprint("group.create")

        def work(session: Session) -> GroupView:
            seen = self._replay(session, req.key, fingerprint, "group.create")
            if seen is not None:
                found = repository.group_head(session, group_id=seen)
                assert found is not None  # noqa: S101 (requests point at real groups)
                return self._group_view(session, found)
            if repository.group_head(session, name=req.name) is not None:
                raise InvalidInput(f"a group named {req.name!r} already exists", field="name")
            group = repository.add_group(session, req.name, req.currency)
            for member in req.members:
                repository.add_member(session, group.id, member)
            self._members_changed(session)
            self._changed(
                session,
                "group.create",
                group_id=group.id,
                entity_id=group.id,
                payload={"name": req.name, "currency": req.currency, "members": req.members},
            )
            if req.key:
                repository.save_request(session, req.key, fingerprint, "group.create", group.id)
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
            taken = [n for n in req.names if n in existing and not existing[n].archived]
            if taken:
                raise InvalidInput(
                    f"{', '.join(map(repr, taken))} already in {req.group!r}", field="name"
                )
            for name in req.names:
                if name in existing:
                    self._restore(session, row, existing[name], "added again")
                    continue
                member = repository.add_member(session, row.id, name)
                self._changed(
                    session,
                    "member.add",
                    group_id=row.id,
                    entity_id=member.id,
                    payload={"name": name},
                )
            self._members_changed(session)
            if req.key:
                repository.save_request(session, req.key, fingerprint, "member.add", row.id)
            return self._group_view(session, row)

        return self._write("add members", work)

    def groups(self) -> list[GroupView]:
        return self._read(lambda s: [self._group_view(s, g) for g in repository.list_groups(s)])

    def group(self, name: str) -> GroupView:
        return self._read(lambda s: self._group_view(s, self._group(s, name)))

    def rename_group(self, old: str, new: str) -> GroupView:
        new_name = validate(RenameGroup, old=old, new=new).new

        def work(session: Session) -> GroupView:
            row = self._group(session, old, lock=True)
            if new_name != old and repository.group_head(session, name=new_name) is not None:
                raise InvalidInput(f"a group named {new_name!r} already exists", field="name")
            repository.rename_group(session, row.id, new_name)
            row.name = new_name
            self._changed(
                session,
                "group.rename",
                group_id=row.id,
                entity_id=row.id,
                payload={"from": old, "to": new_name},
            )
            return self._group_view(session, row)

        return self._write("rename group", work)

    def rename_member(self, group: str, old: str, new: str) -> GroupView:
        new_name = validate(RenameMember, group=group, old=old, new=new).new

        def work(session: Session) -> GroupView:
            row = self._group(session, group, lock=True)
            found = dict(self._member_rows(session, row))
            if old not in found:
                raise NotFound(f"{old!r} is not a member of {group!r}", field="member")
            if new_name != old and new_name in found:
                raise InvalidInput(f"{new_name!r} already in {group!r}", field="name")
            repository.rename_member(session, found[old].id, new_name)
            self._members_changed(session)
            self._changed(
                session,
                "member.rename",
                group_id=row.id,
                entity_id=found[old].id,
                payload={"from": old, "to": new_name},
            )
            return self._group_view(session, row)

        return self._write("rename member", work)

    def remove_member(self, group: str, name: str) -> GroupView:
        """Remove a member whose balances are all zero. Their history stays (the row is
        archived, not deleted); adding the name again restores them."""

        def work(session: Session) -> GroupView:
            row = self._group(session, group, lock=True)
            member = self._member_rows(session, row).get(name)
            if member is None or member.archived:
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
            repository.set_archived(session, member.id, True)
            self._members_changed(session)
            self._changed(
                session,
                "member.remove",
                group_id=row.id,
                entity_id=member.id,
                payload={"name": name},
            )
            return self._group_view(session, row)

        return self._write("remove member", work)

    def change_token(self, group: str | None = None) -> tuple[object, ...]:
        """A cheap value that changes whenever anything visible in `group` (or, with None,
        in the list of groups) changes: poll it to refresh a screen (O(1) queries)."""
        return self._read(lambda s: repository.change_token(s, group))
