"""Settling up: the fewest transfers, and recording them as payments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from splitledger import domain
from splitledger.domain import Transfer
from splitledger.services.entries import EntryCases
from splitledger.services.errors import InvalidInput
from splitledger.services.reading import ReadingCases
from splitledger.services.views import (
    TxView,
)


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
        """Record each transfer as a payment (keys derived from `key` and position)."""
        base = key or f"auto:{uuid.uuid4()}"
        return [
            self.record_payment(
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
