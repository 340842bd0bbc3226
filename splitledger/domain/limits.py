"""Bounds every value of the ledger stays within, so that every export and every peer
tool (hledger, ledger, beancount, spreadsheets) can read what we write (ADR 0010)."""

from __future__ import annotations

import datetime as dt

from splitledger.domain.errors import DomainError

#: Dates a transaction may carry: wide enough for any shared bill, narrow enough for
#: every tool we export to (beancount and spreadsheets choke near year 1 and 9999).
DATE_MIN = dt.date(1970, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)

#: Largest id a database row can have (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def check_date(value: dt.date, *, field: str = "date") -> dt.date:
    """`value` if it lies within [DATE_MIN, DATE_MAX], else a `DomainError`."""
    if not DATE_MIN <= value <= DATE_MAX:
        raise DomainError(
            f"{field}: {value.isoformat()} is outside the supported range "
            f"{DATE_MIN.isoformat()} to {DATE_MAX.isoformat()}",
            field=field,
        )
    return value
