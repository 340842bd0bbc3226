"""Groups and their members (exchange accounts included), as the write path reads them
(`GroupHead`, `MemberRef`: plain values from one query each), archiving a group, and the
change tokens a screen compares to know whether to read again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from splitledger.store.chain import GENESIS
from splitledger.store.records import GROUP_SELECT, GroupRecord, group_from
from splitledger.store.repository.clock import utcnow
from splitledger.store.unit import Unit


@dataclass(slots=True)
class GroupHead:
    """A group as the use cases need it, read with one plain query (not an ORM row: the
    write path reads it on every write). `head_seq`/`head_hash` follow this unit of
    work's appends. `archived`: the group is read-only; `closed_through`: the latest
    close's date (ADR 0018), nothing dated on or before it may be written."""

    id: int
    name: str
    currency: str
    head_seq: int
    head_hash: str
    archived: bool = False
    closed_through: dt.date | None = None


class MemberRef(NamedTuple):
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
    write lock). Every writer locks the group first: one lock order, no deadlocks.

    The latest close comes with the row in the same statement, except for a lock on
    PostgreSQL: a `FOR UPDATE` that waited for a closer's lock returns the group's newest
    row, but a subquery would still read its snapshot from before the close committed,
    so the close is read by a second statement once the lock is held."""
    column, value = ("name", name) if group_id is None else ("id", group_id)
    separate = lock and not unit.sqlite
    closed = "" if separate else f", ({_LATEST_CLOSE})"
    suffix = unit.for_update() if lock else ""
    row = unit.one(
        "SELECT id, name, currency, head_seq, head_hash, archived_at IS NOT NULL"  # noqa: S608
        f"{closed} FROM groups WHERE {column} = ?{suffix}",
        (value,),
    )
    if row is None:
        return None
    gid, gname, currency, seq, digest, archived, *through = row
    if separate:
        found = unit.one("SELECT MAX(c.through) FROM period_closes c WHERE c.group_id = ?", (gid,))
        through = [found[0] if found else None]
    when = None if through[0] is None else unit.read_date(through[0])
    return GroupHead(gid, gname, currency, seq, digest, bool(archived), when)


#: The latest `through` of the group's closes, as a subquery of a SELECT on `groups`.
_LATEST_CLOSE = "SELECT MAX(c.through) FROM period_closes c WHERE c.group_id = groups.id"


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


def set_group_archived(unit: Unit, group_id: int, archived: bool) -> dt.datetime | None:
    """Archive (read-only, left out of the default lists) or unarchive a group; returns
    the time it was archived at (None when unarchived)."""
    at = utcnow() if archived else None
    unit.run(
        "UPDATE groups SET archived_at = ? WHERE id = ?",
        (None if at is None else unit.stamp(at), group_id),
    )
    return at


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
    """For all groups (count, max id, sum of heads, archived ones, closes); for one group
    (id, name, head sequence, member names, archived, closed through). Each changes on
    any write that a screen would show."""
    if group is None:
        row = unit.one(
            "SELECT COUNT(id), MAX(id), SUM(head_seq), COUNT(archived_at), "
            "(SELECT COUNT(*) FROM period_closes) FROM groups"
        )
        return tuple(row or ())
    found = group_head(unit, name=group)
    if found is None:
        return ("missing", group)
    return group_token(found, member_refs(unit, found.id))


def group_token(group: GroupHead, members: Mapping[str, MemberRef]) -> tuple[object, ...]:
    """`change_token` of `group` from rows already read (its members as `member_refs`
    gives them): a screen's data and its token from one read cost no extra query. A
    close moves it (an open screen shows the closed period), as archiving does."""
    # O(members): renames and removals change `names`.
    names = tuple(m.name for m in members.values() if m.active)
    return (group.id, group.name, group.head_seq, names, group.archived, group.closed_through)
