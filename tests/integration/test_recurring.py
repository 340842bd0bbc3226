"""Recurring bills through the services (ADR 0016), on SQLite and PostgreSQL: adding,
what is due, recording only what has come due, month ends, pausing, ending, editing from
a date on, closed periods and archived groups, removed and renamed members, the input
policy and the audit log."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from sqlalchemy import text

from splitledger.services.errors import IdempotencyConflict, InvalidInput, NotFound, ReadOnly
from splitledger.services.ledger import Ledger
from tests.integration.recurring_bills import TODAY, D, rent


def recorded(book: Ledger, prefix: str = "recurring:") -> list[tuple[str, str, int]]:
    """(key, date, ann's net posting) of every recorded occurrence, in key order."""
    with book.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.idempotency_key, t.date, SUM(p.amount) FROM transactions t "
                "JOIN postings p ON p.transaction_id = t.id "
                "JOIN members m ON m.id = p.member_id "
                "WHERE m.name IN ('ann', 'anna') AND t.idempotency_key LIKE :prefix "
                "GROUP BY t.idempotency_key, t.date ORDER BY t.idempotency_key"
            ),
            {"prefix": prefix + "%"},
        ).all()
    return [(k, str(d), a) for k, d, a in rows]


def test_a_schedule_lists_its_next_date_and_records_what_is_due_once(flat: Ledger) -> None:
    view = rent(flat)
    assert view.status == "active"
    assert view.next_date == D(2026, 1, 31)
    assert view.due == 10  # Jan 31 ... Oct 31; Nov 30 is after TODAY
    due = flat.recurring_due("Trip")
    assert [o.date for o in due][:3] == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)]
    assert {o.status for o in due} == {"due"}

    report = flat.run_recurring("Trip")
    assert [o.status for o in report.occurrences] == ["recorded"] * 10
    assert [o.date.isoformat()[5:] for o in report.occurrences] == [
        "01-31",
        "02-28",
        "03-31",
        "04-30",
        "05-31",
        "06-30",
        "07-31",
        "08-31",
        "09-30",
        "10-31",
    ]
    again = flat.run_recurring()
    assert again.occurrences == ()
    assert len(recorded(flat)) == 10
    after = flat.schedule(view.id)
    assert (after.next_date, after.due, after.recorded) == (D(2026, 11, 30), 0, 10)
    assert after.last_recorded == D(2026, 10, 31)
    assert flat.balances("Trip").total_spent == {"EUR": 10 * 90000}


def test_future_dates_are_never_recorded_and_a_dry_run_only_lists_them(flat: Ledger) -> None:
    rent(flat, starts=D(2026, 10, 1))
    with pytest.raises(InvalidInput, match="after today"):
        flat.run_recurring(through=D(2026, 12, 1))
    dry = flat.run_recurring(through=D(2027, 2, 1), dry_run=True)
    assert [(o.date, o.status) for o in dry.occurrences] == [
        (D(2026, 10, 1), "due"),
        (D(2026, 11, 1), "due"),
        (D(2026, 12, 1), "not due"),
        (D(2027, 1, 1), "not due"),
        (D(2027, 2, 1), "not due"),
    ]
    assert recorded(flat) == []
    assert flat.run_recurring(through=D(2026, 10, 15)).having("recorded")[0].date == D(2026, 10, 1)
    assert flat.balances("Trip").total_spent == {"EUR": 90000}


def test_pausing_skips_the_dates_while_paused_and_resuming_early_skips_none(
    flat: Ledger,
) -> None:
    view = rent(flat, starts=D(2026, 5, 1))
    paused = flat.pause_schedule(view.id, on=D(2026, 7, 1))
    assert paused.status == "paused"
    with pytest.raises(InvalidInput, match="already paused"):
        flat.pause_schedule(view.id)
    report = flat.run_recurring(dry_run=True)
    assert [(o.date.month, o.status) for o in report.occurrences] == [
        (5, "due"),
        (6, "due"),
        *((m, "skipped") for m in range(7, 12)),
    ]
    assert report.having("skipped")[0].reason == "the schedule was paused"
    resumed = flat.resume_schedule(view.id, on=D(2026, 9, 15))
    assert resumed.pauses == ((D(2026, 7, 1), D(2026, 9, 14)),)
    flat.run_recurring()
    assert [d[5:7] for _, d, _ in recorded(flat)] == ["05", "06", "10", "11"]
    flat.pause_schedule(view.id, on=D(2026, 12, 1))
    assert flat.resume_schedule(view.id, on=D(2026, 11, 1)).pauses == (
        (D(2026, 7, 1), D(2026, 9, 14)),
    )
    with pytest.raises(InvalidInput, match="is not paused"):
        flat.resume_schedule(view.id)


def test_ending_stops_it_and_cannot_cut_what_is_recorded(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 1, 1))
    flat.run_recurring(through=D(2026, 3, 1))
    with pytest.raises(InvalidInput, match="2026-03-01 is already recorded"):
        flat.end_schedule(view.id, on=D(2026, 2, 15))
    ended = flat.end_schedule(view.id, on=D(2026, 6, 30))
    assert (ended.status, ended.ends_on) == ("ended", D(2026, 6, 30))
    flat.run_recurring()
    assert len(recorded(flat)) == 6
    assert flat.schedule(view.id).next_date is None


def test_an_end_still_to_come_leaves_it_active_until_its_last_day(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 1, 1))
    later = flat.end_schedule(view.id, on=TODAY + dt.timedelta(days=200))
    assert (later.status, later.ends_on) == ("active", TODAY + dt.timedelta(days=200))
    assert flat.end_schedule(view.id, on=TODAY).status == "ended"  # its last day: today


def test_an_edit_applies_from_its_date_and_keeps_the_anchor(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 1, 31), count=8)
    flat.run_recurring(through=D(2026, 5, 31))
    with pytest.raises(InvalidInput, match="2026-05-31 is already recorded"):
        flat.edit_schedule(view.id, from_date=D(2026, 5, 1), amount="960")
    new = flat.edit_schedule(view.id, from_date=D(2026, 6, 1), amount="960")
    assert (new.replaces, new.starts, new.effective_from, new.count) == (
        view.id,
        D(2026, 1, 31),
        D(2026, 6, 1),
        8,
    )
    old = flat.schedule(view.id)
    assert (old.status, old.ends_on, old.replaced_by) == ("replaced", D(2026, 5, 31), new.id)
    with pytest.raises(InvalidInput, match="replaced by an edit"):
        flat.pause_schedule(view.id)
    flat.run_recurring()
    rows = recorded(flat)
    # Five at 900 (ann paid 900, her share 300: +600), then June-August at 960 (the 8th
    # and last of the count): the successor counts from the same anchor.
    assert [(d, a) for _, d, a in rows] == [
        *((d, 60000) for d in ("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30")),
        ("2026-05-31", 60000),
        *((d, 64000) for d in ("2026-06-30", "2026-07-31", "2026-08-31")),
    ]
    assert flat.schedule(new.id).status == "finished"


def test_a_changed_cadence_starts_on_the_edit_and_keeps_the_day(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 1, 31))
    new = flat.edit_schedule(view.id, from_date=D(2026, 4, 10), interval=2)
    assert (new.starts, new.interval, new.day_of_month) == (D(2026, 4, 10), 2, 31)
    dates = [o.date for o in flat.run_recurring(dry_run=True).occurrences]
    assert dates == [D(2026, m, d) for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (6, 30))] + [
        D(2026, 8, 31),
        D(2026, 10, 31),
    ]


def test_closed_periods_and_archived_groups_are_skipped_with_the_reason(flat: Ledger) -> None:
    rent(flat, starts=D(2026, 1, 1))
    flat.close_period("Trip", D(2026, 3, 31))
    report = flat.run_recurring()
    skipped = report.having("skipped")
    assert [o.date.month for o in skipped] == [1, 2, 3]
    assert skipped[0].reason == "in the closed period (through 2026-03-31)"
    assert len(report.having("recorded")) == 8
    flat.archive_group("Trip")
    assert flat.recurring_due() == []
    assert {o.reason for o in flat.run_recurring(dry_run=True).occurrences} == {
        "the group is archived"
    }
    with pytest.raises(ReadOnly):
        rent(flat)


def test_a_removed_member_skips_an_occurrence_and_a_rename_follows(flat: Ledger) -> None:
    flat.add_members("Trip", ["dan"])
    view = rent(flat, starts=D(2026, 9, 1), participants=[("ann", None), ("dan", None)])
    flat.rename_member("Trip", "ann", "anna")
    first = flat.run_recurring(through=D(2026, 9, 1))
    assert first.having("recorded")[0].tx_id is not None
    flat.record_payment(group="Trip", payer="dan", payee="anna", amount="450")
    flat.remove_member("Trip", "dan")
    report = flat.run_recurring()
    assert [o.status for o in report.occurrences] == ["skipped", "skipped"]
    assert "dan" in report.occurrences[0].reason
    assert flat.schedule(view.id).participants == (("anna", None), ("dan", None))


def test_everyone_means_the_members_on_each_day(flat: Ledger) -> None:
    rent(flat, starts=D(2026, 10, 1), amount="900")
    flat.run_recurring(through=D(2026, 10, 1))
    flat.add_members("Trip", ["dan"])
    flat.run_recurring()
    shares = {d: a for _, d, a in recorded(flat)}
    assert shares == {"2026-10-01": 60000, "2026-11-01": 67500}


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"description": "Rent \x1b[2J"}, "description: contains a control character U+001B"),
        ({"description": "Rent \u202e"}, "text-direction"),
        ({"description": "x" * 501}, "description"),
        ({"category": "[bold]x[/]\x07"}, "category: contains a control character U+0007"),
        ({"interval": 1001}, "interval: must be from 1 to 1000"),
        ({"count": 10001}, "count: must be from 1 to 10000"),
        ({"until": D(2076, 2, 1)}, "at most 50 years after the start"),
        ({"until": D(2026, 3, 1), "count": 2}, "not both"),
        ({"day_of_month": "32"}, "day of month"),
        ({"every": "fortnight"}, "every"),
        ({"paid_by": [("zed", None)]}, "zed"),
        ({"amount": "-5"}, "amount"),
        ({"split": "exact"}, "exact split"),
    ],
)
def test_bad_schedules_are_refused_with_nothing_written(
    flat: Ledger, fields: dict[str, Any], words: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(words)):
        rent(flat, **fields)
    assert flat.schedules() == []


def test_no_such_schedule_or_group(flat: Ledger) -> None:
    for sid in (0, 99, 2**70):
        with pytest.raises(NotFound, match=f"no recurring bill #{sid}"):
            flat.schedule(sid)
    with pytest.raises(NotFound, match="no group"):
        flat.schedules("Nope")


def test_adding_with_a_key_answers_a_repeat_and_refuses_another_bill(flat: Ledger) -> None:
    first = rent(flat, key="k", starts=D(2026, 1, 1))
    again = rent(flat, key="k", starts=D(2026, 1, 1))
    assert again.id == first.id
    with pytest.raises(IdempotencyConflict):
        rent(flat, key="k", starts=D(2026, 1, 1), amount="901")
    assert len(flat.schedules()) == 1


def test_every_change_is_in_the_audit_log(flat: Ledger) -> None:
    view = rent(flat)
    flat.pause_schedule(view.id, on=D(2026, 3, 1))
    flat.resume_schedule(view.id, on=D(2026, 4, 1))
    new = flat.edit_schedule(view.id, from_date=D(2026, 6, 1), description="Rent 2")
    flat.end_schedule(new.id, on=D(2026, 12, 31))
    with flat.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT action, entity_id, payload FROM audit_log WHERE action LIKE 'recurring.%'")
        ).all()
    assert [(a, e) for a, e, _ in rows] == [
        ("recurring.add", view.id),
        ("recurring.pause", view.id),
        ("recurring.resume", view.id),
        ("recurring.edit", new.id),
        ("recurring.end", new.id),
    ]
    edit = json.loads(rows[3][2])
    assert (edit["replaces"], edit["from"], edit["description"]) == (
        view.id,
        "2026-06-01",
        "Rent 2",
    )


def test_the_activity_names_each_schedule_change(flat: Ledger) -> None:
    view = rent(flat)
    flat.pause_schedule(view.id, on=D(2026, 3, 1))
    flat.end_schedule(view.id, on=D(2026, 12, 31))
    items = [i for i in flat.activity("Trip").items if i.kind.startswith("recurring")]
    assert [(i.kind, i.description) for i in items[:2]] == [
        ("recurring_ended", "Rent from 2026-12-31"),
        ("recurring_paused", "Rent from 2026-03-01"),
    ]
    assert items[2].kind == "recurring_added"
    assert items[2].description.startswith("Rent: 900")
    assert items[2].description.endswith("from 2026-01-31")
