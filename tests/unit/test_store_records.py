"""The plain records the store reads (store/records.py) select exactly the columns the
schema models declare: a column added to a table and not to its record (or the other
way round) fails here, not in a user's ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import Table

from splitledger.store import records
from splitledger.store.schema import AuditRow, GroupRow, RateRow, TransactionRow

Record = records.TxRecord | records.GroupRecord | records.RateRecord | records.AuditRecord


def _columns(select: str) -> list[str]:
    return [c.strip().removeprefix("t.") for c in select.split(",")]


@pytest.mark.parametrize(
    ("table", "record", "selected"),
    [
        (TransactionRow.__table__, records.TxRecord, list(records.TX_COLUMNS)),
        (GroupRow.__table__, records.GroupRecord, _columns(records.GROUP_SELECT)),
        (RateRow.__table__, records.RateRecord, _columns(records.RATE_SELECT)),
        (AuditRow.__table__, records.AuditRecord, _columns(records.AUDIT_SELECT)),
    ],
)
def test_a_record_selects_its_tables_columns_in_its_fields_order(
    table: Table, record: type[Record], selected: list[str]
) -> None:
    fields = list(record._fields)
    assert selected == fields
    assert sorted(fields) == sorted(table.columns.keys())


def test_the_transaction_select_qualifies_every_column() -> None:
    assert ", ".join(f"t.{c}" for c in records.TX_COLUMNS) == records.TX_SELECT
