"""Settling up: the fewest transfers, and recording them as payments."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from splitledger import domain
from splitledger.domain import Transfer
from splitledger.services.core import validate
from splitledger.services.entries import EntryCases
from splitledger.services.errors import InvalidInput
from splitledger.services.inputs import RecordPayment
from splitledger.services.reading import ReadingCases
from splitledger.services.views import (
    TxView,
)
from splitledger.store import repository


class SettleCases(EntryCases, ReadingCases):
    """The settle-up plan and recording it as payments."""

    def settle_plan(self, group: str) -> list[Transfer]:
        """The fewest transfers that zero every balance, per currency. A currency that is
        only partly converted (its exchange account is not at zero) cannot settle: the
        members' balances in it do not sum to zero until the rest is converted."""
        view = self.balances(group)
        for held in view.exchange:
            amount = domain.format_amount(held.minor, held.currency)
            raise InvalidInput(
                f"{held.currency} is partly converted ({held.member} holds {amount} "
                f"{held.currency}); convert the rest to settle",
                field="currency",
            )
        by_currency: dict[str, dict[str, int]] = {}
        for b in view.balances:
            by_currency.setdefault(b.currency, {})[b.member] = b.minor
        return domain.plan_all(by_currency)

    def record_settlement(
        self, group: str, transfers: Sequence[Transfer], *, key: str | None = None
    ) -> list[TxView]:
        """Record the transfers as payments, all or none, in one database transaction.
        Each payment's key is derived from `key` and its position, so a retry of the same
        plan answers with the same payments and records nothing new."""
        base = key or f"auto:{uuid.uuid4()}"
        requests = [
            validate(
                RecordPayment,
                group=group,
                payer=t.payer,
                payee=t.payee,
                amount=domain.format_amount(t.minor, t.currency, grouping=False),
                currency=t.currency,
                description=f"Settle up: {t.payer} paid {t.payee}",
                key=f"{base}:{i}",
            )
            for i, t in enumerate(transfers)
        ]

        def work(session: Session) -> list[TxView]:
            row = self._group(session, group, lock=True)
            views: list[TxView] = []
            for req in requests:
                key_ = req.key or ""
                fingerprint = req.fingerprint("tx.payment")
                seen = self._replay(session, key_, fingerprint, "tx.payment")
                if seen is not None:
                    views.append(self._tx_view(session, seen))
                    continue
                try:
                    tx = domain.build_payment(
                        payer=req.payer,
                        payee=req.payee,
                        amount=domain.parse_amount(req.amount, req.currency or row.currency),
                        currency=req.currency or row.currency,
                        date=dt.date.today(),
                        idempotency_key=key_,
                        description=req.description,
                    )
                except domain.DomainError as exc:
                    raise InvalidInput(str(exc), field=exc.field) from None
                self._require_active(session, row, (req.payer, req.payee))
                view = self._append(session, row, tx, action="tx.payment")
                repository.save_request(session, key_, fingerprint, "tx.payment", view.id)
                views.append(view)
            return views

        return self._write("record settlement", work)
