"""A ledger written at revision 0001 upgrades to 0002 (leaner indexes, ADR 0009) with
every row, balance, filter and audit trail as before."""

from __future__ import annotations

from sqlalchemy import inspect

from splitledger.services.ledger import Ledger

from .legacy import ledger_at


def _ledger_at_0001(db_url: str) -> None:
    ledger_at(db_url, "0001", _fill)


def _fill(ledger: Ledger) -> None:
    """What a ledger at revision 0001 held: a year of bills and one reversal."""
    ledger.create_group("Flat", "EUR", ["ann", "bob", "cy", "dee"])
    for i in range(12):
        ledger.record_expense(
            group="Flat",
            description=f"Bill {i}",
            amount=f"{10 + i}.00",
            paid_by=[(["ann", "bob", "cy"][i % 3], None)],
            participants=[(m, None) for m in (["ann", "bob"] if i % 2 else ["cy", "dee"])],
        )
    first = ledger.history("Flat", limit=100)[-1]
    ledger.reverse(first.id)


def _indexes(ledger: Ledger, table: str) -> set[str]:
    return {str(i["name"]) for i in inspect(ledger.engine).get_indexes(table)}


def test_a_0001_ledger_upgrades_with_everything_kept(db_url: str) -> None:
    _ledger_at_0001(db_url)
    with Ledger.open(db_url) as ledger:
        assert _indexes(ledger, "postings") == {"ix_postings_transaction_member"}
        assert _indexes(ledger, "audit_log") == {"ix_audit_log_entity_id"}
        assert ledger.verify().ok
        everything = ledger.history("Flat", limit=100)
        assert len(everything) == 13  # 12 bills and one reversal
        dee = ledger.history("Flat", limit=100, member="dee")
        assert [t.id for t in dee] == [
            t.id for t in everything if any(p.member == "dee" for p in t.postings)
        ]
        assert len(dee) == 7  # the six even bills and the reversal of bill 0
        reversed_bill = everything[-1]
        trail = ledger.transaction(reversed_bill.id).audit
        assert [a.action for a in trail] == ["tx.expense", "tx.reverse"]
