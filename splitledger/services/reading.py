"""Use cases that read: balances, history pages and verification."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.services.core import LedgerCore
from splitledger.services.errors import (
    InvalidInput,
)
from splitledger.services.views import (
    BalancesView,
    BalanceView,
    TxView,
    VerifyReport,
)
from splitledger.store import repository
from splitledger.store.repository import HistoryFilter


class ReadingCases(LedgerCore):
    """Balances, history and verify."""

    def balances(self, group: str) -> BalancesView:
        """Each member's balance per currency (members with no postings show zero)."""

        def work(session: Session) -> BalancesView:
            row = self._group(session, group)
            active = {m.name for m in repository.members(session, row.id)}
            found = {
                (m, c): a
                for m, c, a in repository.balances(session, row.id)
                if a != 0 or m in active  # removed members show only while not at zero
            }
            for name in active:
                found.setdefault((name, row.currency), 0)
            items = tuple(BalanceView(m, c, a) for (m, c), a in sorted(found.items()))
            spent = repository.total_spent(session, row.id)
            return BalancesView(row.name, row.currency, items, spent)

        return self._read(work)

    def history(
        self,
        group: str,
        *,
        limit: int = 50,
        before: tuple[dt.date, int] | None = None,
        text: str | None = None,
        member: str | None = None,
        category: str | None = None,
        kind: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> list[TxView]:
        """A page of transactions, newest first; pass the last one's (date, id) as
        `before` for the next page."""
        if limit < 1 or limit > 10_000:
            raise InvalidInput("limit must be between 1 and 10000", field="limit")
        if kind is not None and kind not in {k.value for k in domain.TxKind}:
            raise InvalidInput(f"unknown kind {kind!r}", field="kind")
        flt = HistoryFilter(text, member, category, kind, date_from, date_to)

        def work(session: Session) -> list[TxView]:
            row = self._group(session, group)
            rows = repository.history(session, row.id, flt, limit=limit, before=before)
            return self._tx_views(session, rows)

        return self._read(work)

    def verify(self) -> VerifyReport:
        from splitledger.services.verify import run_checks

        return self._read(run_checks)
