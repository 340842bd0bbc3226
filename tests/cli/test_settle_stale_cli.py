"""`settle --record` records the plan it printed only if the balances are still those
the plan settles: a payment recorded by another terminal between planning and
recording is refused (exit 2, nothing recorded, the plan now in the message)."""

from __future__ import annotations

from typing import Any

import pytest

from splitledger.services.ledger import Ledger
from splitledger.services.settling import SettleCases, SettlePlan
from tests.cli.conftest import Run


def test_a_payment_landing_between_plan_and_record_is_not_paid_twice(
    trip: Run, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    trip("expense", "add", "Trip", "Dinner", "90", "--paid-by", "ann")
    settle_up = SettleCases.settle_up

    def then_bob_pays_elsewhere(self: SettleCases, group: str, **kwargs: Any) -> SettlePlan:
        plan = settle_up(self, group, **kwargs)
        with Ledger.open(db_url, actor="other") as other:
            other.record_payment(group="Trip", payer="bob", payee="ann", amount="30")
        return plan

    # On the family that defines it: every façade (`Ledger`, `ReadLedger`) has it.
    monkeypatch.setattr(SettleCases, "settle_up", then_bob_pays_elsewhere)
    refused = trip("settle", "Trip", "--record")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: the balances of 'Trip' changed since the plan was made "
        "(ann 60.00 → 30.00 EUR; bob -30.00 → 0.00 EUR); nothing was recorded; "
        "the plan now: cy pays ann 30.00 EUR\n"
    )
    monkeypatch.undo()
    with Ledger.open(db_url) as ledger:
        assert len(ledger.history("Trip", kind="payment")) == 1
    assert trip("settle", "Trip", "--record").exit_code == 0
    with Ledger.open(db_url) as ledger:
        assert ledger.settle_plan("Trip") == []
