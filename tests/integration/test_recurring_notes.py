"""Notes on recurring bills (issue 16) through the services, on SQLite and PostgreSQL: a
schedule keeps a note under the input policy of expense notes (at most 2000
characters), each occurrence it records carries it as the expense's note, an edit from a
date changes it only for the later ones ('' clears it, None keeps it), hostile notes are
refused with nothing written, the audit log names it when there is one, and schedules
without a note are stored, fingerprinted and replayed exactly as before notes existed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from splitledger.domain import clean_text
from splitledger.domain.recurrence import Rule
from splitledger.domain.text import TextError
from splitledger.services import recurring_schedules
from splitledger.services.errors import IdempotencyConflict, InvalidInput
from splitledger.services.ledger import Ledger
from splitledger.services.recurring import ScheduleFields
from tests.integration.recurring_bills import TODAY, D, rent

NOTE = "paid by standing order; ask the landlord for receipts"


def notes_recorded(book: Ledger) -> dict[str, str]:
    """ISO date -> the note of each recorded occurrence (through the services)."""
    found: dict[str, str] = {}
    with book.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id FROM transactions WHERE idempotency_key LIKE 'recurring:%'")
        ).all()
    for (tx_id,) in rows:
        tx = book.transaction(tx_id).tx
        found[tx.date.isoformat()] = tx.note
    return dict(sorted(found.items()))


def stored_bills(book: Ledger) -> list[dict[str, Any]]:
    with book.engine.connect() as conn:
        rows = conn.execute(text("SELECT bill FROM recurring_schedules ORDER BY id")).all()
    return [json.loads(b) for (b,) in rows]


def audit(book: Ledger) -> list[tuple[str, dict[str, Any]]]:
    with book.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, payload FROM audit_log WHERE action LIKE 'recurring.%' ORDER BY id"
            )
        ).all()
    return [(a, json.loads(p)) for a, p in rows]


def test_every_occurrence_carries_the_schedules_note(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 8, 31), note=f"  {NOTE}  ")
    assert view.note == NOTE  # trimmed, as an expense's note is
    assert flat.schedule(view.id).note == NOTE
    assert flat.schedules("Trip")[0].note == NOTE
    report = flat.run_recurring()
    assert len(report.having("recorded")) == 3
    assert notes_recorded(flat) == {
        "2026-08-31": NOTE,
        "2026-09-30": NOTE,
        "2026-10-31": NOTE,
    }
    history = flat.history("Trip", note="landlord")
    assert len(history) == 3
    assert audit(flat)[0][1]["note"] == NOTE


def test_an_edit_changes_the_note_only_from_its_date(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 5, 31), note="old")
    flat.run_recurring(through=D(2026, 6, 30))
    kept = flat.edit_schedule(view.id, from_date=D(2026, 7, 1), amount="950")
    assert kept.note == "old"  # None keeps it
    changed = flat.edit_schedule(kept.id, from_date=D(2026, 8, 1), note="new")
    assert (changed.note, flat.schedule(view.id).note) == ("new", "old")
    cleared = flat.edit_schedule(changed.id, from_date=D(2026, 10, 1), note="")
    assert cleared.note == ""
    flat.run_recurring()
    assert notes_recorded(flat) == {
        "2026-05-31": "old",
        "2026-06-30": "old",
        "2026-07-31": "old",
        "2026-08-31": "new",
        "2026-09-30": "new",
        "2026-10-31": "",
    }
    edits = [p for a, p in audit(flat) if a == "recurring.edit"]
    assert [p.get("note") for p in edits] == ["old", "new", None]


@pytest.mark.parametrize(
    ("note", "words"),
    [
        ("a\x1b[2Jb", "note: contains a control character U+001B"),
        ("a\u202eb", "text-direction"),
        ("[bold]x[/]\x07", "note: contains a control character U+0007"),
        ("a\nb", "note"),
        ("a\u200bb", "note"),
        ("n" * 2001, "note"),
    ],
)
def test_hostile_notes_are_refused_with_nothing_written(
    flat: Ledger, note: str, words: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(words)):
        rent(flat, note=note)
    assert flat.schedules() == []
    view = rent(flat, note="fine")
    with pytest.raises(InvalidInput, match=re.escape(words)):
        flat.edit_schedule(view.id, from_date=D(2026, 6, 1), note=note)
    after = flat.schedules()
    assert [(s.id, s.note, s.ends_on, s.replaced_by) for s in after] == [
        (view.id, "fine", None, None)
    ]
    assert [a for a, _ in audit(flat)] == ["recurring.add"]


def test_a_note_of_2000_characters_is_kept_whole(flat: Ledger) -> None:
    view = rent(flat, starts=D(2026, 10, 31), note="n" * 2000)
    flat.run_recurring()
    assert flat.schedule(view.id).note == "n" * 2000
    assert notes_recorded(flat) == {"2026-10-31": "n" * 2000}


def test_without_a_note_the_schedule_is_stored_as_before(flat: Ledger) -> None:
    rent(flat)
    rent(flat, note="")
    rent(flat, note="x")
    bills = stored_bills(flat)
    assert ["note" in b for b in bills] == [False, False, True]
    assert bills[2]["note"] == "x"
    assert ["note" in p for _, p in audit(flat)] == [False, False, True]


def test_a_row_written_before_notes_reads_as_having_none(flat: Ledger) -> None:
    view = rent(flat, note="later removed")
    body = stored_bills(flat)[0]
    del body["note"]
    with flat.engine.begin() as conn:
        conn.execute(
            text("UPDATE recurring_schedules SET bill = :b WHERE id = :i"),
            {"b": json.dumps(body), "i": view.id},
        )
    assert flat.schedule(view.id).note == ""
    flat.run_recurring(through=D(2026, 1, 31))
    assert notes_recorded(flat) == {"2026-01-31": ""}


def test_a_keyed_add_commits_to_its_note_and_without_one_replays_as_before(
    flat: Ledger,
) -> None:
    first = rent(flat, key="k", note="a")
    assert rent(flat, key="k", note="a").id == first.id
    with pytest.raises(IdempotencyConflict):
        rent(flat, key="k", note="b")
    with pytest.raises(IdempotencyConflict):
        rent(flat, key="k")
    plain = rent(flat, key="p")
    assert rent(flat, key="p", note="").id == plain.id
    assert len(flat.schedules()) == 2


def test_the_fingerprint_of_a_schedule_without_a_note_is_what_it_was() -> None:
    """The value the code before notes computed (a keyed add made then replays)."""
    rule = Rule("month", D(2026, 1, 31), 1, None, None, 8)
    fields: ScheduleFields = {
        "description": "Rent",
        "amount": "900",
        "paid_by": [("ann", None)],
        "every": "month",
        "starts": rule.starts,
        "category": "home",
    }
    before = "3319be2847a89477c2856478f5582eebbc95d5e79e247cbafc13f86b44a41ea2"
    for extra in ({}, {"note": ""}):
        req = recurring_schedules._expense_request("Trip", rule.starts, {**fields, **extra})  # type: ignore[typeddict-item]
        assert recurring_schedules._fingerprint(req, rule, None) == before
    noted = recurring_schedules._expense_request("Trip", rule.starts, {**fields, "note": "x"})
    assert recurring_schedules._fingerprint(noted, rule, None) != before


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(note=st.text(max_size=60) | st.sampled_from(["\x1b[31m", "\u202e", "x" * 2001, " a "]))
def test_a_note_is_refused_or_kept_and_carried_as_the_policy_says(flat: Ledger, note: str) -> None:
    try:
        wanted: str | None = clean_text(note, field="note", max_length=2000, required=False)
    except TextError:
        wanted = None
    before = len(flat.schedules())
    if wanted is None:
        with pytest.raises(InvalidInput, match="note"):
            rent(flat, note=note)
        assert len(flat.schedules()) == before
        return
    view = rent(flat, starts=TODAY, note=note)
    assert view.note == wanted
    recorded = flat.run_recurring().having("recorded")
    assert [o.schedule_id for o in recorded] == [view.id]
    assert flat.transaction(recorded[0].tx_id or 0).tx.note == wanted
