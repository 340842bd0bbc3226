"""Groups and their members (exchange accounts included), as the write path reads them
(`GroupHead`, `MemberRef`: plain values from one query each), and the change tokens a
screen compares to know whether to read again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from splitledger.store.chain import GENESIS
from splitledger.store.raw import Raw
from splitledger.store.repository.clock import utcnow
from splitledger.store.schema import (
    GroupRow,
    MemberRow,
)


@dataclass(slots=True)
class GroupHead:
    """A group as the use cases need it, read with one plain query (not an ORM row: the
    write path reads it on every write). `head_seq`/`head_hash` follow this unit of
    work's appends."""

    id: int
    name: str
    currency: str
    head_seq: int
    head_hash: str


@dataclass(frozen=True, slots=True)
class MemberRef:
    """A member (or exchange account) of a group, as the write path needs it."""

    id: int
    name: str
    kind: str  # "member" or "exchange"
    archived: bool

    @property
    def active(self) -> bool:
        """A current member (not removed, not an exchange account)."""
        return not self.archived and self.kind == "member"


def group_head(
    session: Session, *, name: str | None = None, group_id: int | None = None, lock: bool = False
) -> GroupHead | None:
    """The group called `name` (or with id `group_id`); with `lock`, its row is locked
    until commit (PostgreSQL `FOR UPDATE`; SQLite's BEGIN IMMEDIATE already holds the
    write lock). Every writer locks the group first: one lock order, no deadlocks."""
    raw = Raw.of(session)
    column, value = ("name", name) if group_id is None else ("id", group_id)
    suffix = raw.for_update() if lock else ""
    row = raw.one(
        f"SELECT id, name, currency, head_seq, head_hash FROM groups WHERE {column} = ?{suffix}",  # noqa: S608
        (value,),
    )
    return None if row is None else GroupHead(*row)


def group_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    query = select(GroupRow.id, GroupRow.name).where(GroupRow.id.in_(set(ids)))
    return {gid: name for gid, name in session.execute(query)}


def list_groups(session: Session) -> list[GroupRow]:
    return list(session.scalars(select(GroupRow).order_by(GroupRow.name)))


def add_group(session: Session, name: str, currency: str) -> GroupHead:
    group = GroupRow(
        name=name, currency=currency, created_at=utcnow(), head_seq=0, head_hash=GENESIS
    )
    session.add(group)
    session.flush()
    return GroupHead(group.id, name, currency, 0, GENESIS)


def rename_group(session: Session, group_id: int, name: str) -> None:
    Raw.of(session).run("UPDATE groups SET name = ? WHERE id = ?", (name, group_id))


def member_refs(session: Session, group_id: int) -> dict[str, MemberRef]:
    """Every member and exchange account of the group (removed ones too), by name, in
    joining order."""
    rows = Raw.of(session).all(
        "SELECT id, name, kind, archived_at IS NOT NULL FROM members "
        "WHERE group_id = ? ORDER BY id",
        (group_id,),
    )
    return {name: MemberRef(mid, name, kind, bool(gone)) for mid, name, kind, gone in rows}


def add_member(session: Session, group_id: int, name: str, *, kind: str = "member") -> MemberRow:
    member = MemberRow(group_id=group_id, name=name, created_at=utcnow(), kind=kind)
    session.add(member)
    session.flush()
    return member


def set_archived(session: Session, member_id: int, archived: bool) -> None:
    """Remove (archive) or restore a member; their postings stay either way."""
    raw = Raw.of(session)
    at = raw.stamp(utcnow()) if archived else None
    raw.run("UPDATE members SET archived_at = ? WHERE id = ?", (at, member_id))


def rename_member(session: Session, member_id: int, name: str) -> None:
    Raw.of(session).run("UPDATE members SET name = ? WHERE id = ?", (name, member_id))


def change_token(session: Session, group: str | None) -> tuple[object, ...]:
    """For all groups (count, max id, sum of heads); for one group (id, name, head
    sequence, member names). Each changes on any write that a screen would show."""
    if group is None:
        row = session.execute(
            select(func.count(GroupRow.id), func.max(GroupRow.id), func.sum(GroupRow.head_seq))
        ).one()
        return tuple(row)
    found = group_head(session, name=group)
    if found is None:
        return ("missing", group)
    return group_token(found, member_refs(session, found.id))


def group_token(
    group: GroupHead | GroupRow, members: Mapping[str, MemberRef]
) -> tuple[object, ...]:
    """`change_token` of `group` from rows already read (its members as `member_refs`
    gives them): a screen's data and its token from one read cost no extra query."""
    # O(members): renames and removals change `names`.
    names = tuple(m.name for m in members.values() if m.active)
    return (group.id, group.name, group.head_seq, names)
