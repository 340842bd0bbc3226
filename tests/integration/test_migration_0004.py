"""A ledger written at revision 0003, before expenses kept their definitions, upgrades
to 0004: its expenses get no rows, and each opens as exact shares read off its postings
(ADR 0011). Its edits, audited as a reversal plus a new version then, read as edits."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import inspect, text

from splitledger.services.entries import EntryCases
from splitledger.services.ledger import Ledger

from .legacy import ledger_at

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def old_ledger(db_url: str) -> str:
    ledger_at(db_url, "0003", _fill)
    return db_url


def _old_edit(ledger: Ledger, tx_id: int, **fields: Any) -> None:
    """An edit as splitledger recorded it before 0004: its reversal audited as
    `tx.reverse`."""
    reverse = EntryCases._reverse_locked

    def as_then(self: EntryCases, *args: Any, **kwargs: Any) -> Any:
        return reverse(self, *args, **{**kwargs, "action": "tx.reverse"})

    with mock.patch.object(EntryCases, "_reverse_locked", as_then):
        ledger.edit_expense(tx_id, **fields)


def _fill(ledger: Ledger) -> None:
    ledger.create_group("Trip", "EUR", ["ann", "bob", "cy"])
    ledger.record_expense(group="Trip", description="Dinner", amount="100",
                          paid_by=[("ann", None)], date=DAY)  # fmt: skip
    ledger.record_expense(group="Trip", description="Hotel", amount="120",
                          paid_by=[("bob", "50"), ("cy", None)], split="percent",
                          participants=[("ann", "50"), ("bob", "50")], date=DAY)  # fmt: skip
    taxi = ledger.record_expense(group="Trip", description="Taxi", amount="1500",
                                 currency="JPY", paid_by=[("cy", None)], date=DAY)  # fmt: skip
    ledger.reverse(taxi.id)
    wine = ledger.record_expense(group="Trip", description="Wine", amount="30",
                                 paid_by=[("ann", None)], date=DAY)  # fmt: skip
    _old_edit(ledger, wine.id, amount="36", split="equal")


def _by_description(ledger: Ledger) -> dict[str, int]:
    return {t.description: t.id for t in reversed(ledger.history("Trip", kind="expense"))}


def test_a_0003_ledger_opens_each_expense_as_exact_shares(old_ledger: str) -> None:
    with Ledger.open(old_ledger, actor="tester") as ledger:
        assert "expense_definitions" in inspect(ledger.engine).get_table_names()
        with ledger.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM expense_definitions")).scalar() == 0
        ids = _by_description(ledger)
        dinner = ledger.expense_definition(ids["Dinner"])
        assert (dinner.derived, dinner.split, dinner.amount, dinner.currency) == (
            True,
            "exact",
            "100.00",
            "EUR",
        )
        assert dinner.paid_by == (("ann", None),)
        assert [n for n, _ in dinner.participants] == ["ann", "bob", "cy"]
        assert sorted(v or "" for _, v in dinner.participants) == ["33.33", "33.33", "33.34"]
        hotel = ledger.expense_definition(ids["Hotel"])
        assert hotel.paid_by == (("bob", "50.00"), ("cy", "70.00"))
        assert hotel.participants == (("ann", "60.00"), ("bob", "60.00"))
        taxi = ledger.expense_definition(ids["Taxi"])
        assert (taxi.amount, taxi.currency) == ("1500", "JPY")
        for tx_id in ids.values():  # rebuilt with its own key: the very same postings
            defn = ledger.expense_definition(tx_id)
            tx = ledger.transaction(tx_id).tx
            again = ledger.preview_expense(
                ledger.group("Trip"), **defn.as_fields(), key=tx.idempotency_key
            )
            assert [(p.account, p.minor) for p in again.postings] == [
                (p.member, p.minor) for p in tx.postings
            ]
        assert ledger.edit_expense(ids["Dinner"]).tx is None
        assert ledger.verify().ok


def test_old_changes_read_as_what_they_were_and_can_be_undone(old_ledger: str) -> None:
    with Ledger.open(old_ledger, actor="tester") as ledger:
        ids = _by_description(ledger)
        kinds = [(i.kind, i.description) for i in ledger.activity("Trip").items]
        assert kinds[:3] == [("edited", "Wine"), ("recorded", "Wine"), ("deleted", "Taxi")]
        wine = ledger.bill_versions(ids["Wine"])
        assert [v.kind for v in wine] == ["recorded", "edited"]
        assert {c.field for c in wine[1].changes} == {"amount", "shares"}
        restored = ledger.undo(ids["Taxi"])
        assert restored.replaces_id == ids["Taxi"]
        assert [p.minor for p in restored.postings] == [1500, -500, -500, -500]
        undone = ledger.undo(wine[-1].tx_id)
        assert [p.minor for p in undone.postings] == [3000, -1000, -1000, -1000]
        assert ledger.verify().ok
