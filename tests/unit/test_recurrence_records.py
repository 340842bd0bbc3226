"""The recurring schedules' store record reads exactly the columns the schema model
declares, in its fields' order (the record says `interval`/`count` where the columns,
kept clear of SQL keywords, say `step`/`times`)."""

from __future__ import annotations

import dataclasses

from splitledger.store.repository import recurring
from splitledger.store.schema import RecurringScheduleRow

#: Record field -> column, where they differ.
RENAMED = {"interval": "step", "count": "times"}
#: Fields kept inside the `bill` column's JSON, not columns of their own.
IN_THE_BILL = {"note"}


def test_the_schedule_record_selects_the_tables_columns_in_its_fields_order() -> None:
    fields = [
        f.name for f in dataclasses.fields(recurring.ScheduleRecord) if f.name not in IN_THE_BILL
    ]
    columns = [RENAMED.get(f, f) for f in fields]
    assert ["id", *recurring.COLUMNS] == columns
    assert sorted(columns) == sorted(RecurringScheduleRow.__table__.columns.keys())


def test_a_new_schedule_names_every_column_it_writes() -> None:
    written = {f.name for f in dataclasses.fields(recurring.NewSchedule)} - IN_THE_BILL
    given_by_the_store = {"ends_on", "pauses", "created_at", "actor"}
    assert {RENAMED.get(f, f) for f in written} | given_by_the_store == set(recurring.COLUMNS)
