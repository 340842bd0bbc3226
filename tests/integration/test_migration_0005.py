"""A ledger written at revision 0004 upgrades to 0005 (notes, closed periods, archived
groups, daily totals; ADR 0017): the daily totals are filled from the postings already
recorded, every hash written before still verifies, and new writes keep the totals."""

from __future__ import annotations

import datetime as dt

from splitledger.services.ledger import Ledger
from splitledger.store.repository import daily_totals

from .legacy import ledger_at

DAYS = [dt.date(2026, 1, 31), dt.date(2026, 2, 1), dt.date(2026, 2, 28)]


def _fill(ledger: Ledger) -> None:
    ledger.create_group("Flat", "EUR", ["ann", "bob", "cy"])
    for i, day in enumerate(DAYS * 2):
        ledger.record_expense(group="Flat", description=f"Bill {i}", amount=f"{10 + i}.01",
                              paid_by=[(["ann", "bob"][i % 2], None)], date=day,
                              category=["rent", "food"][i % 2])  # fmt: skip
    ledger.record_expense(group="Flat", description="Ramen", amount="1500", currency="JPY",
                          paid_by=[("cy", None)], date=DAYS[1])  # fmt: skip
    ledger.record_payment(group="Flat", payer="bob", payee="ann", amount="5", date=DAYS[2])
    bills = {t.description: t.id for t in ledger.history("Flat", kind="expense")}
    ledger.reverse(bills["Bill 0"], date=dt.date(2026, 3, 2))  # a day of its own
    ledger.edit_expense(bills["Bill 1"], amount="20", date=DAYS[0])


def test_a_0004_ledger_gets_its_daily_totals_from_its_postings(db_url: str) -> None:
    ledger_at(db_url, "0004", _fill)
    with Ledger.open(db_url) as ledger:
        assert ledger.verify().ok
        flat = ledger.group("Flat").id
        with ledger.database.transaction() as unit:
            kept = daily_totals.stored_balance_days(unit, flat)
            spent = daily_totals.stored_spending_days(unit, flat)
            assert kept == daily_totals.balance_days_from_postings(unit, flat)
            assert spent == daily_totals.spending_days_from_postings(unit, flat)
        assert set(DAYS) < {day for day, *_ in kept}  # and the day of the deletion
        # The reversed bill (Bill 0, rent on 31 January, paid by ann) left no spending.
        assert not [k for k in spent if k[:2] == (DAYS[0], "rent")]
        # Food on 31 January: Bill 3, and Bill 1 as edited (20.00, moved to that day).
        food_jan = [v for k, v in spent.items() if k[:2] == (DAYS[0], "food")]
        assert sum(paid for paid, _ in food_jan) == sum(used for _, used in food_jan) == 3301
        # Each day's balances sum to zero per currency: every transaction is balanced.
        for day in {day for day, *_ in kept}:
            for currency in ("EUR", "JPY"):
                assert sum(a for (d, _, c), a in kept.items() if (d, c) == (day, currency)) == 0


def test_writes_after_the_upgrade_keep_the_totals_and_notes_are_hashed(db_url: str) -> None:
    ledger_at(db_url, "0004", _fill)
    with Ledger.open(db_url) as ledger:
        late = ledger.record_expense(group="Flat", description="Late", amount="9",
                                     paid_by=[("cy", None)], date=DAYS[0])  # fmt: skip
        ledger.reverse(late.id)
        assert ledger.verify().ok
        flat = ledger.group("Flat").id
        with ledger.database.transaction() as unit:
            kept = daily_totals.stored_balance_days(unit, flat)
            assert kept == daily_totals.balance_days_from_postings(unit, flat)
            assert daily_totals.stored_spending_days(
                unit, flat
            ) == daily_totals.spending_days_from_postings(unit, flat)
