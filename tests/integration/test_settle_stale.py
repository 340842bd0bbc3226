"""A settle-up plan is recorded only while the balances it was made from still hold
(issue 13, finding 3): recorded after someone else paid one of its debts it would pay it
twice. "Mark all paid" is one settlement: one database transaction, all or nothing,
one audit entry for the whole besides each payment's."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from splitledger.domain import Transfer
from splitledger.services.errors import Conflict, Stale
from splitledger.services.ledger import Ledger
from splitledger.services.settling import BalanceChange, StalePlan
from splitledger.store.schema import AuditRow


@pytest.fixture
def owing(trip: Ledger) -> Ledger:
    """ann paid 90 for all three: bob and cy owe her 30 each."""
    trip.record_expense(group="Trip", description="Dinner", amount="90", paid_by=[("ann", None)])
    return trip


def test_a_plan_made_before_someone_paid_is_refused_with_the_plan_now(
    owing: Ledger, db_url: str
) -> None:
    plan = owing.settle_up("Trip")
    assert plan.transfers == (
        Transfer("bob", "ann", "EUR", 3000),
        Transfer("cy", "ann", "EUR", 3000),
    )
    with Ledger.open(db_url, actor="other") as other:  # another terminal, meanwhile
        other.record_payment(group="Trip", payer="bob", payee="ann", amount="30")
    with pytest.raises(StalePlan) as refused:
        owing.record_settlement("Trip", plan.transfers[:1], expected=plan.basis, key="k")
    stale = refused.value
    assert isinstance(stale, Stale)
    assert isinstance(stale, Conflict)  # the CLI's exit code 2, the app's "Conflict"
    assert stale.changes == (
        BalanceChange("ann", "EUR", 6000, 3000),
        BalanceChange("bob", "EUR", -3000, 0),
    )
    assert stale.plan is not None
    assert stale.plan.transfers == (Transfer("cy", "ann", "EUR", 3000),)
    assert "nothing was recorded" in str(stale)
    assert "bob -30.00 → 0.00 EUR" in str(stale)
    assert "the plan now: cy pays ann 30.00 EUR" in str(stale)
    assert len(owing.history("Trip", kind="payment")) == 1  # only the other terminal's
    # The plan offered instead goes through, and settles everyone.
    owing.record_settlement("Trip", stale.plan.transfers, expected=stale.plan.basis, key="k2")
    assert owing.settle_plan("Trip") == []


def test_a_retry_of_a_recorded_plan_answers_with_its_payments(owing: Ledger) -> None:
    plan = owing.settle_up("Trip")
    done = owing.record_settlement("Trip", plan.transfers, expected=plan.basis, key="s")
    # The balances moved (this very plan settled them): a retry is no stale plan.
    again = owing.record_settlement("Trip", plan.transfers, expected=plan.basis, key="s")
    assert [t.id for t in again] == [t.id for t in done]
    assert len(owing.history("Trip", kind="payment")) == 2


def test_mark_all_paid_is_one_database_transaction_and_one_settlement(owing: Ledger) -> None:
    plan = owing.settle_up("Trip")
    begun = owing.database.begun
    paid = owing.record_settlement("Trip", plan.transfers, expected=plan.basis, key="all")
    assert owing.database.begun == begun + 1
    assert [tx.kind for tx in paid] == ["payment", "payment"]
    with Session(owing.engine) as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    assert [r.action for r in rows][-3:] == ["tx.payment", "tx.payment", "settle.record"]
    assert json.loads(rows[-1].payload) == {"key": "all", "payments": [tx.id for tx in paid]}


def test_two_terminals_recording_one_plan_record_it_once(owing: Ledger, db_url: str) -> None:
    """Both were shown the same plan; whoever comes second is refused, whatever the
    timing: the basis is checked under the group's write lock."""
    plan = owing.settle_up("Trip")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def mark_all_paid(key: str) -> None:
        with Ledger.open(db_url, actor=key) as mine:
            start.wait()
            try:
                mine.record_settlement("Trip", plan.transfers, expected=plan.basis, key=key)
                outcomes.append("recorded")
            except StalePlan:
                outcomes.append("stale")

    threads = [threading.Thread(target=mark_all_paid, args=(k,)) for k in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["recorded", "stale"]
    assert len(owing.history("Trip", kind="payment")) == 2
    assert owing.settle_plan("Trip") == []


def test_without_expected_balances_a_plan_is_recorded_as_given(owing: Ledger) -> None:
    plan = owing.settle_up("Trip")
    owing.record_payment(group="Trip", payer="bob", payee="ann", amount="30")
    owing.record_settlement("Trip", plan.transfers[1:], key="cy")
    assert owing.settle_plan("Trip") == []


def test_settle_plan_is_settle_up_s_transfers(owing: Ledger) -> None:
    assert owing.settle_plan("Trip") == list(owing.settle_up("Trip").transfers)
    assert owing.settle_up("trip").group == "Trip"
