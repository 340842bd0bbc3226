"""A group's activity feed, read from its audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from splitledger.services.views.bills import FieldChange


@dataclass(frozen=True, slots=True)
class ActivityItem:
    """One change in a group, from its audit log. `id` orders the log (pass the last
    one as `before` for older items); `tx` is the transaction the change recorded."""

    id: int
    at: dt.datetime
    actor: str
    kind: str
    tx: int | None
    description: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """Activity newest first; `more`: older items exist, from `before` on."""

    items: tuple[ActivityItem, ...]
    more: bool
    before: int | None
