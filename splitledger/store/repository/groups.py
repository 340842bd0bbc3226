"""Groups and their members (exchange accounts included), as the write path reads them
(`GroupHead`, `MemberRef`: plain values from one query each), and the change tokens a
screen compares to know whether to read again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from splitledger.store.chain import GENESIS
from splitledger.store.records import GROUP_SELECT, GroupRecord, group_from
from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit


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
    unit: Unit, *, name: str | None = None, group_id: int | None = None, lock: bool = False
) -> GroupHead | None:
    """The group called `name` (or with id `group_id`); with `lock`, its row is locked
    until commit (PostgreSQL `FOR UPDATE`; SQLite's BEGIN IMMEDIATE already holds the
    write lock). Every writer locks the group first: one lock order, no deadlocks."""
    column, value = ("name", name) if group_id is None else ("id", group_id)
    suffix = unit.for_update() if lock else ""
    row = unit.one(
        f"SELECT id, name, currency, head_seq, head_hash FROM groups WHERE {column} = ?{suffix}",  # noqa: S608
        (value,),
    )
    return None if row is None else GroupHead(*row)


def group_names(unit: Unit, ids: Iterable[int]) -> dict[int, str]:
    rows = unit.all_in("SELECT id, name FROM groups WHERE id IN ({})", sorted(set(ids)))
    return {gid: name for gid, name in rows}


def list_groups(unit: Unit) -> list[GroupRecord]:
    rows = unit.all(f"SELECT {GROUP_SELECT} FROM groups ORDER BY name")  # noqa: S608
    return [group_from(unit, row) for row in rows]


def add_group(unit: Unit, name: str, currency: str) -> GroupHead:
    columns = ("name", "currency", "created_at", "head_seq", "head_hash")
    gid = unit.insert_id("groups", columns, (name, currency, unit.stamp(utcnow()), 0, GENESIS))
    return GroupHead(gid, name, currency, 0, GENESIS)


def rename_group(unit: Unit, group_id: int, name: str) -> None:
    unit.run("UPDATE groups SET name = ? WHERE id = ?", (name, group_id))


def member_refs(unit: Unit, group_id: int) -> dict[str, MemberRef]:
    """Every member and exchange account of the group (removed ones too), by name, in
    joining order."""
    rows = unit.all(
        "SELECT id, name, kind, archived_at IS NOT NULL FROM members "
        "WHERE group_id = ? ORDER BY id",
        (group_id,),
    )
    return {name: MemberRef(mid, name, kind, bool(gone)) for mid, name, kind, gone in rows}


def add_member(unit: Unit, group_id: int, name: str, *, kind: str = "member") -> int:
    """Add a member (or exchange account); returns its id."""
    columns = ("group_id", "name", "created_at", "kind")
    return unit.insert_id("members", columns, (group_id, name, unit.stamp(utcnow()), kind))


def set_archived(unit: Unit, member_id: int, archived: bool) -> None:
    """Remove (archive) or restore a member; their postings stay either way."""
    at = unit.stamp(utcnow()) if archived else None
    unit.run("UPDATE members SET archived_at = ? WHERE id = ?", (at, member_id))


def rename_member(unit: Unit, member_id: int, name: str) -> None:
    unit.run("UPDATE members SET name = ? WHERE id = ?", (name, member_id))


def change_token(unit: Unit, group: str | None) -> tuple[object, ...]:
    """For all groups (count, max id, sum of heads); for one group (id, name, head
    sequence, member names). Each changes on any write that a screen would show."""
    if group is None:
        row = unit.one("SELECT COUNT(id), MAX(id), SUM(head_seq) FROM groups")
        return tuple(row or ())
    found = group_head(unit, name=group)
    if found is None:
        return ("missing", group)
    return group_token(found, member_refs(unit, found.id))


def group_token(
    group: GroupHead | GroupRecord, members: Mapping[str, MemberRef]
) -> tuple[object, ...]:
    """`change_token` of `group` from rows already read (its members as `member_refs`
    gives them): a screen's data and its token from one read cost no extra query."""
    # O(members): renames and removals change `names`.
    names = tuple(m.name for m in members.values() if m.active)
    return (group.id, group.name, group.head_seq, names)
