"""What the recurring-bill tests through the services share: their fixed "today" and
the monthly rent most of them start from (the `flat` fixture, in conftest.py, is the
Trip group with the schedules taking TODAY for today)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from splitledger.services.ledger import Ledger
from splitledger.services.recurring import ScheduleFields, ScheduleView

#: "Today" for these tests: a fixed day, earlier than any real today they run on.
TODAY = dt.date(2026, 11, 15)
D = dt.date


def rent(book: Ledger, **changes: Any) -> ScheduleView:
    """A monthly rent of 900 paid by ann from 31 January, with `changes`."""
    fields: ScheduleFields = {
        "description": "Rent",
        "amount": "900",
        "paid_by": [("ann", None)],
        "every": "month",
        "starts": D(2026, 1, 31),
    }
    return book.add_schedule("Trip", **{**fields, **changes})
